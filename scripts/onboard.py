#!/usr/bin/env python3
"""Creates an owner, a team workspace, a repository `app` and an all-scopes API token on a
running Ferret server; prints {"workspace": …, "token": …, "session": …} as JSON (`session`: the
owner's session cookie, `ferret_session=…`, for the dashboard's pages). Used by the API fuzz run and
the server benchmarks. Usage: onboard.py BASE_URL [EMAIL]  (default owner@example.com)"""
import http.cookiejar
import json
import sys
import urllib.request

base = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def call(method, path, body=None, csrf=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, method=method, data=data)
    req.add_header("content-type", "application/json")
    if csrf:
        req.add_header("x-csrf-token", csrf)
    return json.load(opener.open(req))


creds = {"email": sys.argv[2] if len(sys.argv) > 2 else "owner@example.com", "password": "correct horse battery staple"}
call("POST", "/api/auth/signup", creds)
csrf = call("POST", "/api/auth/login", creds)["csrf_token"]
ws = call("POST", "/api/workspaces", {"name": "Team"}, csrf)["id"]
call("POST", f"/api/workspaces/{ws}/repositories", {"name": "app"}, csrf)
scopes = ["admin", "findings:read", "findings:write", "scans:write"]
token = call("POST", f"/api/workspaces/{ws}/tokens", {"name": "bench", "scopes": scopes}, csrf)["token"]
session = next(f"{c.name}={c.value}" for c in jar if c.name == "ferret_session")
print(json.dumps({"workspace": ws, "token": token, "session": session}))
