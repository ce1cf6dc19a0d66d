import java.io.File;
import java.io.FileInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;
import javax.crypto.Cipher;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class UserController {
    private Connection conn;
    private Statement stmt;

    public void find(HttpServletRequest request) throws Exception {
        String name = request.getParameter("name");
        stmt.executeQuery("SELECT * FROM users WHERE name = '" + name + "'"); // VULN sql
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?"); // SAFE sql
        ps.setString(1, name);
        int id = Integer.parseInt(request.getParameter("id"));
        stmt.executeQuery("SELECT * FROM users WHERE id = " + id); // SAFE sql
    }

    public void ping(HttpServletRequest request) throws Exception {
        String host = request.getParameter("host");
        Runtime.getRuntime().exec("ping -c 1 " + host); // VULN command
        new ProcessBuilder("ping", "-c", "1", "localhost").start(); // SAFE command
    }

    public void download(HttpServletRequest request) throws Exception {
        String name = request.getParameter("file");
        new FileInputStream("/srv/files/" + name); // VULN path
        new FileInputStream("/srv/files/report.pdf"); // SAFE path
    }

    public void login(HttpServletRequest request, HttpServletResponse response) throws Exception {
        response.sendRedirect(request.getParameter("next")); // VULN redirect
        response.sendRedirect("/home"); // SAFE redirect
    }

    public void hello(HttpServletRequest request, HttpServletResponse response) throws Exception {
        response.getWriter().println("<h1>Hello " + request.getParameter("name") + "</h1>"); // VULN xss
    }

    public void load(HttpServletRequest request) throws Exception {
        Object type = Class.forName(request.getParameter("type")); // VULN code
    }

    public byte[] digest(byte[] data) throws Exception {
        MessageDigest.getInstance("SHA-256").digest(data); // SAFE weak-hash
        return MessageDigest.getInstance("MD5").digest(data); // VULN weak-hash
    }

    public Cipher cipher() throws Exception {
        return Cipher.getInstance("AES/ECB/PKCS5Padding"); // VULN weak-cipher
    }

    public String newSessionToken() {
        return Long.toHexString(new Random().nextLong()); // VULN random
    }
}
