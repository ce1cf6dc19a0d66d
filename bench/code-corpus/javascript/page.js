// Browser code: the page URL is attacker-controlled.
function greet() {
  const name = decodeURIComponent(location.hash.slice(1));
  document.getElementById("greeting").innerHTML = "Hello " + name; // VULN xss
  document.getElementById("plain").textContent = "Hello " + name; // SAFE xss
}

function goNext() {
  const next = new URLSearchParams(location.search).get("next");
  window.location.href = next; // VULN redirect
}

greet();
goNext();
