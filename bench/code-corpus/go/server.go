package main

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"fmt"
	"html"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

var db *sql.DB

func users(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	db.Query("SELECT * FROM users WHERE name = '" + name + "'") // VULN sql
	db.Query("SELECT * FROM users WHERE name = $1", name)      // SAFE sql
	id, _ := strconv.Atoi(r.URL.Query().Get("id"))
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = %d", id)) // SAFE sql
}

func orders(w http.ResponseWriter, r *http.Request) {
	q := fmt.Sprintf("SELECT * FROM orders ORDER BY %s", r.FormValue("sort"))
	db.Query(q) // VULN sql
}

func ping(w http.ResponseWriter, r *http.Request) {
	host := r.FormValue("host")
	exec.Command("sh", "-c", "ping -c 1 "+host).Run() // VULN command
	exec.Command("ping", "-c", "1", host).Run()       // SAFE command
}

func download(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	data, _ := os.ReadFile("/srv/files/" + name) // VULN path
	safe, _ := os.ReadFile(filepath.Join("/srv/files", filepath.Base(name))) // SAFE path
	w.Write(append(data, safe...))
}

func proxy(w http.ResponseWriter, r *http.Request) {
	resp, _ := http.Get(r.URL.Query().Get("url")) // VULN ssrf
	fixed, _ := http.Get("https://api.example.com/status") // SAFE ssrf
	defer resp.Body.Close()
	defer fixed.Body.Close()
}

func login(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, r.FormValue("next"), http.StatusFound) // VULN redirect
	http.Redirect(w, r, "/home", http.StatusFound)             // SAFE redirect
}

func hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))                    // VULN xss
	fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(r.URL.Query().Get("name"))) // SAFE xss
}

func digest(b []byte) {
	md5.Sum(b)    // VULN weak-hash
	sha256.Sum256(b) // SAFE weak-hash
}

func newSessionToken() string {
	return strconv.Itoa(rand.Intn(1000000)) // VULN random
}

var insecure = &tls.Config{InsecureSkipVerify: true} // VULN tls
