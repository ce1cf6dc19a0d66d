//! `ferret scan --history` on real repositories built with the `git` command.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

use common::{ferret as ferret_command, git_at as git, github_token, slack_token};

fn commit_all(dir: &Path, message: &str, date: &str) -> String {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
    git(dir, &["rev-parse", "HEAD"], date)
}

fn ferret(args: &[&str], cwd: &Path) -> Output {
    ferret_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run ferret")
}

fn history_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["scan", "--history", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = ferret(&args, dir);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(
        dir.path(),
        &["init", "-q", "-b", "main"],
        "2024-01-01T00:00:00Z",
    );
    std::fs::write(dir.path().join("README.md"), "demo\n").unwrap();
    commit_all(dir.path(), "init", "2024-01-01T00:00:00Z");
    dir
}

#[test]
fn finds_a_secret_added_then_deleted_with_its_introducing_commit() {
    let repo = new_repo();
    let dir = repo.path();
    std::fs::write(
        dir.join("config.env"),
        format!("A=1\nGITHUB_TOKEN={}\n", github_token()),
    )
    .unwrap();
    let introduced = commit_all(dir, "add config", "2024-02-03T04:05:06Z");
    // Later edits keep the secret in new versions of the file, then the file is deleted.
    for (i, date) in ["2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            dir.join("config.env"),
            format!("A={}\nGITHUB_TOKEN={}\n", i + 2, github_token()),
        )
        .unwrap();
        commit_all(dir, "edit", date);
    }
    std::fs::remove_file(dir.join("config.env")).unwrap();
    commit_all(dir, "remove config", "2024-05-01T00:00:00Z");

    // The working tree is clean...
    let tree = ferret(&["scan", ".", "--format", "json"], dir);
    assert_eq!(tree.status.code(), Some(0));

    // ...but history still has the secret: reported once, at its first appearance.
    let report = history_json(dir, &[]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["rule_id"], "github-pat-classic");
    assert_eq!(finding["location"]["path"], "config.env");
    assert_eq!(finding["location"]["start_line"], 2);
    assert_eq!(finding["provenance"]["commit"], introduced.as_str());
    assert_eq!(
        finding["provenance"]["author"],
        "Alice Dev <alice@example.com>"
    );
    assert_eq!(finding["provenance"]["date"], "2024-02-03T04:05:06Z");
    assert_eq!(report["summary"]["commits_scanned"], 5);
    // README plus three versions of config.env: every unique blob scanned once.
    assert_eq!(report["summary"]["files_scanned"], 4);

    // Packed (blobs read by walking the pack's delta trees) and loose histories agree.
    git(dir, &["repack", "-adq"], "2024-05-01T00:00:00Z");
    git(dir, &["prune-packed"], "2024-05-01T00:00:00Z");
    let packed = history_json(dir, &[]);
    assert_eq!(packed["findings"], report["findings"]);
    assert_eq!(packed["summary"]["files_scanned"], 4);
}

#[test]
fn all_provenance_lists_every_commit_that_holds_the_secret() {
    let repo = new_repo();
    let dir = repo.path();
    let secret_file = |other: &str| format!("A={other}\nGITHUB_TOKEN={}\n", github_token());
    std::fs::write(dir.join("config.env"), secret_file("1")).unwrap();
    let added = commit_all(dir, "add", "2024-02-01T00:00:00Z");
    std::fs::write(dir.join("config.env"), secret_file("2")).unwrap();
    let edited = commit_all(dir, "edit", "2024-03-01T00:00:00Z");
    // The same content copied elsewhere: the same blob under a second path.
    std::fs::create_dir(dir.join("backup")).unwrap();
    std::fs::write(dir.join("backup/config.env"), secret_file("2")).unwrap();
    let copied = commit_all(dir, "copy", "2024-04-01T00:00:00Z");
    std::fs::write(dir.join("README.md"), "unrelated\n").unwrap();
    let unrelated = commit_all(dir, "docs", "2024-05-01T00:00:00Z");
    std::fs::remove_file(dir.join("config.env")).unwrap();
    std::fs::remove_dir_all(dir.join("backup")).unwrap();
    commit_all(dir, "remove", "2024-06-01T00:00:00Z");

    // Without the flag: only the introducing commit.
    let plain = history_json(dir, &[]);
    let findings = plain["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(findings[0].get("occurrences").is_none());

    let report = history_json(dir, &["--all-provenance"]);
    let finding = &report["findings"][0];
    assert_eq!(finding["provenance"]["commit"], added.as_str());
    let occurrences: Vec<(String, String, String)> = finding["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["author"], "Alice Dev <alice@example.com>");
            (
                o["commit"].as_str().unwrap().to_string(),
                o["path"].as_str().unwrap().to_string(),
                o["date"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (&added, "config.env", "2024-02-01T00:00:00Z"),
        (&edited, "config.env", "2024-03-01T00:00:00Z"),
        (&copied, "backup/config.env", "2024-04-01T00:00:00Z"),
        (&copied, "config.env", "2024-04-01T00:00:00Z"),
        (&unrelated, "backup/config.env", "2024-05-01T00:00:00Z"),
        (&unrelated, "config.env", "2024-05-01T00:00:00Z"),
    ]
    .map(|(c, p, d)| (c.to_string(), p.to_string(), d.to_string()));
    assert_eq!(occurrences, expected);

    // A range narrows the commits listed too.
    let report = history_json(
        dir,
        &["--all-provenance", "--branch", &format!("{copied}..main")],
    );
    let listed: Vec<&str> = report["findings"][0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["commit"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![unrelated.as_str(), unrelated.as_str()]);

    // The human report lists them under the finding.
    let out = ferret(&["scan", "--history", ".", "--all-provenance"], dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("in 6 commit(s):"), "{text}");
    assert!(
        text.contains(&format!(
            "{} 2024-04-01T00:00:00Z backup/config.env",
            &copied[..12]
        )),
        "{text}"
    );

    // The flag only makes sense for history scans.
    let out = ferret(&["scan", ".", "--all-provenance"], dir);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn branches_and_ranges_select_commits() {
    let repo = new_repo();
    let dir = repo.path();
    let base = git(dir, &["rev-parse", "HEAD"], "2024-01-01T00:00:00Z");
    git(
        dir,
        &["checkout", "-q", "-b", "feature"],
        "2024-01-02T00:00:00Z",
    );
    std::fs::write(
        dir.join("bot.py"),
        format!("SLACK = \"{}\"\n", slack_token()),
    )
    .unwrap();
    commit_all(dir, "bot", "2024-01-03T00:00:00Z");
    git(dir, &["checkout", "-q", "main"], "2024-01-04T00:00:00Z");
    std::fs::write(dir.join("main.env"), format!("TOKEN={}\n", github_token())).unwrap();
    commit_all(dir, "main secret", "2024-01-05T00:00:00Z");

    let ids = |report: &Value| -> Vec<String> {
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&history_json(dir, &[])),
        vec!["github-pat-classic", "slack-bot-token"]
    );
    assert_eq!(
        ids(&history_json(dir, &["--branch", "main"])),
        vec!["github-pat-classic"]
    );
    assert_eq!(
        ids(&history_json(dir, &["--branch", "feature"])),
        vec!["slack-bot-token"]
    );
    let range = format!("{base}..feature");
    let report = history_json(dir, &["--branch", &range]);
    assert_eq!(ids(&report), vec!["slack-bot-token"]);
    assert_eq!(report["summary"]["commits_scanned"], 1);
}

#[test]
fn tree_baseline_covers_the_same_secret_in_history() {
    let repo = new_repo();
    let dir = repo.path();
    std::fs::write(dir.join("app.env"), format!("TOKEN={}\n", github_token())).unwrap();
    commit_all(dir, "secret", "2024-02-01T00:00:00Z");
    let out = ferret(
        &["baseline", "create", ".", "-o", "../base.json", "--force"],
        dir,
    );
    assert_eq!(out.status.code(), Some(0));
    let report = history_json(dir, &["--baseline", "../base.json"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["summary"]["baselined"], 1);
}

#[test]
fn history_errors_are_one_line() {
    let plain = tempfile::tempdir().unwrap();
    let out = ferret(&["scan", "--history", "."], plain.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a git repository"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let repo = new_repo();
    let out = ferret(
        &["scan", "--history", ".", "--branch", "no-such-branch"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

fn scan_ids(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let mut all = vec!["scan", ".", "--format", "json"];
    all.extend_from_slice(args);
    let out = ferret(&all, dir);
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["path"].as_str().unwrap(),
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect();
    (ids, code)
}

#[test]
fn staged_scan_reports_only_what_the_commit_would_introduce() {
    let repo = new_repo();
    let dir = repo.path();
    std::fs::write(
        dir.join("old.env"),
        format!("A=1\nTOKEN={}\n", github_token()),
    )
    .unwrap();
    commit_all(dir, "old secret", "2024-02-01T00:00:00Z");

    // Nothing staged: clean.
    assert_eq!(scan_ids(dir, &["--staged"]), (vec![], 0));
    // The committed secret's file is edited around it: not new.
    std::fs::write(
        dir.join("old.env"),
        format!("A=2\nB=3\nTOKEN={}\n", github_token()),
    )
    .unwrap();
    git(dir, &["add", "old.env"], "2024-02-02T00:00:00Z");
    assert_eq!(scan_ids(dir, &["--staged"]), (vec![], 0));
    // A new secret is staged; another one only in the working tree is not part of the commit.
    std::fs::write(dir.join("bot.env"), format!("SLACK={}\n", slack_token())).unwrap();
    git(dir, &["add", "bot.env"], "2024-02-02T00:00:00Z");
    std::fs::write(dir.join("unstaged.env"), format!("X={}\n", slack_token())).unwrap();
    assert_eq!(
        scan_ids(dir, &["--staged"]),
        (vec!["bot.env:slack-bot-token".to_string()], 1)
    );
}

#[test]
fn diff_scan_reports_secrets_introduced_since_base() {
    let repo = new_repo();
    let dir = repo.path();
    std::fs::write(dir.join("a.env"), format!("TOKEN={}\n", github_token())).unwrap();
    commit_all(dir, "existing secret", "2024-02-01T00:00:00Z");
    git(dir, &["checkout", "-q", "-b", "pr"], "2024-02-02T00:00:00Z");
    // The existing secret moves to another file: not introduced.
    std::fs::remove_file(dir.join("a.env")).unwrap();
    std::fs::write(
        dir.join("b.env"),
        format!("# moved\nTOKEN={}\n", github_token()),
    )
    .unwrap();
    commit_all(dir, "move", "2024-02-03T00:00:00Z");
    assert_eq!(scan_ids(dir, &["--diff", "main"]), (vec![], 0));
    // A new secret in the pull request is.
    std::fs::write(dir.join("c.py"), format!("SLACK = \"{}\"\n", slack_token())).unwrap();
    commit_all(dir, "new secret", "2024-02-04T00:00:00Z");
    assert_eq!(
        scan_ids(dir, &["--diff", "main"]),
        (vec!["c.py:slack-bot-token".to_string()], 1)
    );
    // The whole tree still shows both.
    assert_eq!(scan_ids(dir, &[]).0.len(), 2);
}
