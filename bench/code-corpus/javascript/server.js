const express = require("express");
const { exec, execFile } = require("child_process");
const fs = require("fs");
const path = require("path");
const axios = require("axios");
const jwt = require("jsonwebtoken");
const crypto = require("crypto");
const mysql = require("mysql2");

const app = express();
const db = mysql.createConnection({ host: "db", user: "app", password: process.env.DB_PASSWORD });

app.get("/users", (req, res) => {
  const name = req.query.name;
  db.query("SELECT * FROM users WHERE name = '" + name + "'", (err, rows) => res.json(rows)); // VULN sql
  db.query("SELECT * FROM users WHERE name = ?", [name], (err, rows) => res.json(rows)); // SAFE sql
});

app.get("/orders", async (req, res) => {
  const { sort } = req.query;
  const rows = await db.promise().query(`SELECT * FROM orders ORDER BY ${sort}`); // VULN sql
  res.json(rows);
});

app.get("/ping", (req, res) => {
  const host = req.query.host;
  exec("ping -c 1 " + host, (err, out) => res.send(out)); // VULN command
  execFile("ping", ["-c", "1", host], (err, out) => res.send(out)); // SAFE command
});

app.post("/calc", (req, res) => {
  res.send(String(eval(req.body.expression))); // VULN code
});

app.get("/file", (req, res) => {
  const name = req.query.name;
  fs.readFile("/srv/files/" + name, (err, data) => res.send(data)); // VULN path
  fs.readFile("/srv/files/" + path.basename(name), (err, data) => res.send(data)); // SAFE path
});

app.get("/proxy", async (req, res) => {
  const response = await axios.get(req.query.url); // VULN ssrf
  const fixed = await axios.get("https://api.example.com/items", { params: { q: req.query.q } }); // SAFE ssrf
  res.send(response.data + fixed.data); // VULN xss
});

app.get("/login", (req, res) => {
  res.redirect("/home"); // SAFE redirect
  res.redirect(req.query.next); // VULN redirect
});

app.get("/hello", (req, res) => {
  res.send("<h1>Hello " + req.query.name + "</h1>"); // VULN xss
  res.json({ name: req.query.name }); // SAFE xss
});

app.post("/settings", (req, res) => {
  const settings = {};
  settings[req.body.key] = req.body.value; // VULN prototype
  settings.theme = req.body.theme; // SAFE prototype
  res.json(settings);
});

function verify(token, key) {
  return jwt.verify(token, key, { algorithms: ["HS256", "none"] }); // VULN jwt
}

function sign(user) {
  return jwt.sign({ sub: user.id }, "s3cr3t-signing-key-2024", { expiresIn: "1h" }); // VULN hardcoded-secret
}

function resetToken() {
  const resetToken = Math.random().toString(36).slice(2); // VULN random
  return resetToken;
}

function digest(body) {
  crypto.createHash("sha256").update(body).digest("hex"); // SAFE weak-hash
  return crypto.createHash("md5").update(body).digest("hex"); // VULN weak-hash
}

const agent = new (require("https").Agent)({ rejectUnauthorized: false }); // VULN tls

module.exports = { app, verify, sign, resetToken, digest, agent };
