// Attacker data that crosses functions of one module into a helper's parameter.
const { exec } = require("child_process");
const express = require("express");
const app = express();

function convert(file, done) {
  exec(`convert ${file} out.png`, done); // VULN command
}

app.post("/convert", (req, res) => {
  convert(req.body.file, () => res.end());
});
