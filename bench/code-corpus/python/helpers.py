"""Attacker data that crosses functions of one module: into a helper's parameter and out of a
helper's return value; a helper returning a constant is safe. (A helper that formats its own
parameter into SQL or a shell command is reported by the any-origin pattern rules whoever calls
it, so such lines are left unlabelled.)"""
import os
import sqlite3

from flask import Flask, request

app = Flask(__name__)
db = sqlite3.connect("app.db")


def find_user(name):
    return db.execute("SELECT * FROM users WHERE name = '" + name + "'")  # VULN sql


def archive(path):
    os.system("tar czf /backups/out.tgz " + path)  # VULN command


def wanted_order():
    return request.args.get("order", "id")


def default_order():
    return "created_at"


@app.route("/users")
def users():
    db.execute("SELECT * FROM users ORDER BY " + wanted_order())  # VULN sql
    db.execute("SELECT * FROM users ORDER BY " + default_order())  # SAFE sql
    archive(request.args["dir"])
    return find_user(request.args["name"])
