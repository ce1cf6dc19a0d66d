import hashlib
import os
import pickle
import random
import shlex
import sqlite3
import subprocess

import jwt
import requests
import yaml
from flask import Flask, redirect, render_template_string, request, send_file
from markupsafe import Markup

app = Flask(__name__)
db = sqlite3.connect("app.db")


@app.route("/users")
def users():
    name = request.args.get("name", "")
    db.execute("SELECT * FROM users WHERE name = '" + name + "'")  # VULN sql
    db.execute("SELECT * FROM users WHERE name = ?", (name,))  # SAFE sql
    page = int(request.args.get("page", "1"))
    return db.execute(f"SELECT * FROM users LIMIT 10 OFFSET {page}")  # SAFE sql


@app.route("/orders")
def orders():
    sort = request.args["sort"]
    query = f"SELECT * FROM orders ORDER BY {sort}"
    return db.execute(query).fetchall()  # VULN sql


@app.route("/ping")
def ping():
    host = request.args["host"]
    os.system("ping -c 1 " + host)  # VULN command
    os.system("ping -c 1 " + shlex.quote(host))  # SAFE command
    subprocess.run(["ping", "-c", "1", host], check=True)  # SAFE command
    return subprocess.check_output("nslookup " + host, shell=True)  # VULN command


@app.route("/calc")
def calc():
    expression = request.form["expression"]
    return str(eval(expression))  # VULN code


@app.route("/restore", methods=["POST"])
def restore():
    state = pickle.loads(request.data)  # VULN deserialization
    config = yaml.safe_load(request.data)  # SAFE deserialization
    return str(state) + str(config)


@app.route("/proxy")
def proxy():
    url = request.args["url"]
    requests.get("https://api.example.com/items", params={"q": url})  # SAFE ssrf
    return requests.get(url).text  # VULN ssrf


@app.route("/download")
def download():
    name = request.args["file"]
    send_file(os.path.join("/srv/files", os.path.basename(name)))  # SAFE path
    return send_file("/srv/files/" + name)  # VULN path


@app.route("/login")
def login():
    target = request.args.get("next", "/")
    if target.startswith("/"):
        pass
    redirect("/home")  # SAFE redirect
    return redirect(target)  # VULN redirect


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    render_template_string("<p>Hello {{ name }}</p>", name=name)  # SAFE template
    return render_template_string("<p>Hello " + name + "</p>")  # VULN template


@app.route("/comment", methods=["POST"])
def comment():
    body = request.form["body"]
    return Markup("<div>" + body + "</div>")  # VULN xss


def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()  # VULN weak-hash


def make_reset_token():
    reset_token = "".join(random.choice("abcdef0123456789") for _ in range(32))  # VULN random
    return reset_token


def fetch_status():
    return requests.get("https://internal.example.com/status", verify=False)  # VULN tls


def read_claims(token):
    return jwt.decode(token, options={"verify_signature": False})  # VULN jwt


def load_config(text):
    return yaml.load(text, Loader=yaml.Loader)  # VULN deserialization


app.config["SECRET_KEY"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"  # VULN hardcoded-secret
