//! How candidates from different rules are resolved: provider rules beat generic ones, a generic
//! rule's rejection never hides a provider match, each secret is reported once, and context and
//! entropy requirements hold.

use ferret_engine::secrets::SecretMatcher;

fn matcher() -> SecretMatcher {
    SecretMatcher::builtin().unwrap()
}

fn found(text: &str) -> Vec<(String, String)> {
    let m = matcher();
    m.find(text.as_bytes())
        .into_iter()
        .map(|hit| {
            (
                m.rules()[hit.rule].id().to_string(),
                text[hit.secret].to_string(),
            )
        })
        .collect()
}

const GITHUB: &str = concat!("ghp_", "R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U");

#[test]
fn provider_rule_wins_over_generic_on_the_same_span() {
    let hits = found(&format!("api_token = \"{GITHUB}\"\n"));
    assert_eq!(
        hits,
        vec![("github-pat-classic".to_string(), GITHUB.to_string())]
    );
}

#[test]
fn generic_rejection_does_not_hide_a_provider_match() {
    // The generic rule rejects this line (the name says "hash"), the provider rule still fires.
    let hits = found(&format!("token_hash: {GITHUB}\n"));
    assert_eq!(
        hits,
        vec![("github-pat-classic".to_string(), GITHUB.to_string())]
    );
}

#[test]
fn the_same_secret_at_the_same_place_is_reported_once() {
    // The token sits in a URL's user info too: both URL and GitHub rules see it.
    let text = format!("https://x:{GITHUB}@github.com/org/repo.git and again {GITHUB}\n");
    let hits = found(&text);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits
        .iter()
        .all(|(rule, secret)| rule == "github-pat-classic" && secret == GITHUB));
}

#[test]
fn context_rules_need_their_context() {
    let key = "2Xq8pL0vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8Uq9Rz";
    assert_eq!(found(&format!("value = {key}\n")), vec![]);
    let hits = found(&format!("aws_secret_access_key = {key}\n"));
    assert_eq!(
        hits,
        vec![("aws-secret-access-key".to_string(), key.to_string())]
    );
    // Context a few lines away still counts, as in an AWS credentials file.
    let hits = found(&format!(
        "[prod]\nregion = eu-west-1\nsecret = {key}\n# aws\n"
    ));
    assert_eq!(hits.len(), 1, "{hits:?}");
}

#[test]
fn low_entropy_and_placeholder_values_are_dropped() {
    assert_eq!(found("AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA\n"), vec![]);
    assert_eq!(
        found("token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        vec![]
    );
    assert_eq!(found("password = \"${DB_PASSWORD}\"\n"), vec![]);
    assert_eq!(found("secret: changeme\n"), vec![]);
}

#[test]
fn secrets_in_non_utf8_and_very_long_lines_are_found() {
    let mut bytes = b"\xff\xfe garbage ".to_vec();
    bytes.extend_from_slice(format!("GITHUB_TOKEN={GITHUB}").as_bytes());
    let m = matcher();
    assert_eq!(m.find(&bytes).len(), 1);

    let long_line = format!("{}{GITHUB}{}", "a ".repeat(50_000), " b".repeat(50_000));
    assert_eq!(found(&long_line).len(), 1);
}

#[test]
fn a_window_cut_from_a_long_line_does_not_start_a_word_at_the_cut() {
    // The keyword sits 4,097 bytes into one long line, so its window starts one byte in, inside
    // the word `Qzz…`: `\b` must not hold there as it would at the start of a text.
    let text = "[[rule]]\nid = 'acme-word'\nname = 'n'\nprovider = 'ACME'\nseverity = 'high'\n\
                description = 'd'\nremediation = 'r'\nkeywords = ['acme_billing']\n\
                pattern = '''\\b(?P<secret>zz[a-z0-9]{30})'''\n";
    let specs = ferret_engine::secrets::parse_rule_file("test.toml", text).unwrap();
    let m = SecretMatcher::new(specs).unwrap();
    let word = format!("zz{}", "k9x2m4p7q1".repeat(3));
    let cut = format!("Q{word}{}acme_billing", " ".repeat(4097 - 1 - word.len()));
    assert_eq!(cut.find("acme_billing"), Some(4097));
    assert!(m.find(cut.as_bytes()).is_empty());
    // The same word standing on its own is found.
    let own = format!(" {word}{}acme_billing", " ".repeat(4097 - 1 - word.len()));
    assert_eq!(m.find(own.as_bytes()).len(), 1);
}

fn value_rule(extra: &str) -> Result<SecretMatcher, String> {
    let text = format!(
        "[[rule]]\nid = 'acme-billing-key'\nname = 'n'\nprovider = 'ACME'\nseverity = 'high'\n\
         description = 'd'\nremediation = 'r'\nkeywords = ['acme_billing']\n{extra}\n"
    );
    let specs =
        ferret_engine::secrets::parse_rule_file("test.toml", &text).map_err(|e| e.to_string())?;
    SecretMatcher::new(specs).map_err(|e| e.to_string())
}

#[test]
fn value_rules_match_the_value_assigned_near_their_keyword_only() {
    let m = value_rule("value = '''[a-f0-9]{32}'''").unwrap();
    let key = "3f9c2a7e5b1d4c8f9a0e6b2d7c5a1f3e";
    let hits = |text: &str| {
        m.find(text.as_bytes())
            .into_iter()
            .map(|hit| text[hit.secret].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(hits(&format!("ACME_BILLING_KEY={key}\n")), [key]);
    assert_eq!(hits(&format!("acme_billing:\n  token: \"{key}\"\n")), [key]);
    assert_eq!(
        hits(&format!("Authorization: Bearer {key} # acme_billing\n")),
        [key]
    );
    // The keyword too far away, no key-like name, or a value of another shape: nothing.
    assert!(hits(&format!("# acme_billing\n\n\n\n\nOTHER_KEY={key}\n")).is_empty());
    assert!(hits(&format!("acme_billing_url={key}\n")).is_empty());
    assert!(hits("ACME_BILLING_KEY=3f9c2a7e5b1d4c8f\n").is_empty());
}

#[test]
fn a_rule_needs_exactly_one_of_pattern_and_value() {
    let both = value_rule("value = 'x{8}'\npattern = 'y{8}'").unwrap_err();
    assert!(both.contains("not both"), "{both}");
    let neither = value_rule("").unwrap_err();
    assert!(neither.contains("needs a 'pattern'"), "{neither}");
    let bad = value_rule("value = '[a-f'").unwrap_err();
    assert!(bad.contains("invalid value regex"), "{bad}");
}

#[test]
fn public_tokens_of_embedded_charts_and_badges_are_not_reported() {
    let token = "fwiuAlNEUj8eYQn1rfDBWuO1X-8D__oKgCwEMpguLFI2sKX84ySGDr";
    // The same value after a secret's name is reported; in a star-history chart's URL (public,
    // shown to every reader of the README) it is not.
    assert_eq!(found(&format!("secret_token = \"{token}\"\n")).len(), 1);
    let chart = format!(
        "<img src=\"https://api.star-history.com/chart?repos=o/r&type=date&sealed_token={token}\" />\n"
    );
    assert_eq!(found(&chart), vec![]);
}

#[test]
fn pass_as_a_tests_verdict_in_a_sentence_is_not_a_password() {
    let verdict = "\t * Pass: 'preview' is NOT in the requested properties, and the row\n";
    assert_eq!(found(verdict), vec![]);
    let setting = "\tpass: 'Tr0ub4dor&3x'\n";
    assert_eq!(found(setting).len(), 1, "{setting}");
}

#[test]
fn a_zoom_invitations_passcode_is_not_reported() {
    let pwd = "CigbXigJPn38USc6Vuzt7qSVFoO79X";
    let invitation =
        format!("- Community Meeting: [community meeting](https://us05web.zoom.us/j/87535654586?pwd={pwd}.1) via Zoom\n");
    assert_eq!(found(&invitation), vec![]);
    // The same value as a database URL's password is one.
    assert_eq!(
        found(&format!("DATABASE_URL=postgres://app:{pwd}@db/app\n")).len(),
        1
    );
}

#[test]
fn a_token_in_an_image_links_query_is_not_reported() {
    let token = "54ae24aa2cebb737006a9a0a1b76005229ef83e2a0b1b6b2e2b659899eea9a13";
    let icon = format!(
        "1,story,https://viper.tapd.cn/icon/files/46949574/icon/1146.png?token={token}&x=1\n"
    );
    assert_eq!(found(&icon), vec![]);
    let api = format!("curl https://api.tapd.cn/workitems?token={token}&x=1\n");
    assert_eq!(found(&api).len(), 1, "{api}");
}

#[test]
fn a_name_after_a_url_escape_is_read_without_the_escape() {
    // OData's `$skiptoken` written `%24skiptoken`: a paging token, as `$skiptoken` is.
    let page = "next: 'http://localhost/Submissions?%24top=1&%24skiptoken=01eyJyZXBlYXRJZCI6ImNmOWExYjVjYzgzYzZkNjI3MGMxZWI5ODg2MGQyOTRlYWM1ZDUyNmQifQ'\n";
    assert_eq!(found(page), vec![]);
    let key = "next: 'http://localhost/Submissions?%24top=1&%24api_token=01eyJyZXBlYXRJZCI6ImNmOWExYjVjYzgzYzZkNjI3MGMxZWI5ODg2MGQyOTRlYWM1ZDUyNmQifQ'\n";
    assert_eq!(found(key).len(), 1, "{key}");
}

#[test]
fn a_token_in_an_html_images_source_is_not_reported() {
    let token = "Kq8zP3xL9mW2vT7rB4nY6cJ1hF5dG0sA";
    let pixel = format!(
        "<p>Start writing</p><img \nsrc=\"https://mailgun.substack.com/api/v1/email/open?token={token}\" \nalt=\"\" width=\"1\" height=\"1\">\n"
    );
    assert_eq!(found(&pixel), vec![]);
    let link = format!(
        "<p>Start writing</p><a \nhref=\"https://mailgun.substack.com/api/v1/email/open?token={token}\">\n"
    );
    assert_eq!(found(&link).len(), 1, "{link}");
    // A signed image address in a saved page (`<input type="image" src="https://assets
    // .rebelmouse.io/eyJhbGciOi…/img.png">`): a JWT, fetched by every reader.
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpbWFnZSI6Imh0dHBzOi8vYXNzZXRzLnJibC5tcy8yNDQ0MTA5Ny9vcmlnaW4ucG5nIiwiZXhwaXJlc19hdCI6MTYyOTc0NDY3MX0.L-qn8rKsACB1OmL-AOpcI7QuhQpLJWO3VMJfLFxXsik";
    let image = format!("<td><input\n  type=\"image\"\n  src=\"https://assets.rebelmouse.io/{jwt}/img.png?width=110\"\n");
    assert_eq!(found(&image), vec![]);
    assert_eq!(
        found(&format!("curl -H 'Authorization: Bearer {jwt}'\n")).len(),
        1
    );
}

#[test]
fn a_key_in_a_map_tile_template_is_not_reported() {
    let key = "4d80de696cd562a63ce463a58a61488d";
    let layer = format!(
        "[{{\"type\":\"wms\",\"template\":\"https://gis.lfrz.gv.at/wmsgw/?LAYERS=Luftbild&CRS={{proj}}&BBOX={{bbox}}&REQUEST=GetMap&KEY={key}\",\"polygon\":[[[16.5,48.1]]]}}]\n"
    );
    assert_eq!(found(&layer), vec![]);
    let glyphs = format!(
        "  glyphs: 'https://maps.tilehosting.com/fonts/{{fontstack}}/{{range}}.pbf?key={key}',\n"
    );
    assert_eq!(found(&glyphs), vec![]);
    let api = format!("curl 'https://api.acme.io/v1/users?key={key}'\n");
    assert_eq!(found(&api).len(), 1, "{api}");
}

#[test]
fn a_shell_defaults_value_starts_after_its_dash() {
    let key = "Xk9mQ2vL8pR4tW7nB3cY5hJ6dQ1z";
    assert_eq!(
        found(&format!("API_SECRET=${{API_SECRET:-{key}}}\n")),
        vec![("generic-secret-assignment".to_string(), key.to_string())]
    );
}

#[test]
fn an_sns_subscription_confirmation_token_is_not_reported() {
    let token = "2336412f37fb687f5d51e6e2425e90cda73392a3ac9ce0c2bcecdfc0907bfed25e20c1d2f5ff7902286de45c6f4581feb802e5d846cbb6046e597d221e798608315436ba17b9a9c54633f1a86177e1a5468e2ece39b51a68df599aca2eaecc3aeafafe7ea21524950c627a4cec36472ae2e57529a3f87fdc53166e40bf32e218";
    let message = format!(
        "{{\n  \"Type\": \"SubscriptionConfirmation\",\n  \"MessageId\": \"bc035546-bb63-42db-86cd-6bebd550d5be\",\n  \"Token\": \"{token}\",\n  \"SubscribeURL\": \"https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-central-1:573964052742:topic&Token={token}\"\n}}\n"
    );
    assert_eq!(found(&message), vec![]);
    let login = format!("{{\n  \"Type\": \"Login\",\n  \"Token\": \"{token}\"\n}}\n");
    assert_eq!(found(&login).len(), 1, "{login}");
}

#[test]
fn a_render_pass_in_minified_code_is_not_a_password() {
    let filler = "var x=1;".repeat(150);
    let bundle = format!(
        "{filler}this.filterPass.render(h,{{pass:\"collision-filter\",isPicking:!0}});{filler}\n"
    );
    assert_eq!(found(&bundle), vec![]);
    assert_eq!(
        found("const login = {user: \"ops\", pass: \"collision-filter\"};\n").len(),
        1
    );
}

#[test]
fn made_up_parts_after_a_jwt_header_are_not_a_token() {
    let stub = "      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.xyz',\n";
    assert_eq!(found(stub), vec![]);
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMiLCJpYXQiOjE3MDAwMDAwMDB9.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4";
    assert_eq!(
        found(&format!("      'Authorization: Bearer {jwt}',\n")).len(),
        1
    );
}

#[test]
fn an_elliptic_curve_public_point_is_not_a_key() {
    let point =
        "\"output_key\": \"029aadbdd9aff986e5ea086cf53ae062972d33d0a5c7f5fb986dafec7fa6d7e6ea\",\n";
    assert_eq!(found(point), vec![]);
    // The same digits after a byte no point starts with are a key's.
    let secret =
        "\"output_key\": \"059aadbdd9aff986e5ea086cf53ae062972d33d0a5c7f5fb986dafec7fa6d7e6ea\",\n";
    assert_eq!(found(secret).len(), 1, "{secret}");
}

#[test]
fn a_key_the_next_lines_use_as_a_public_key_is_not_reported() {
    let key = "sIhx53MsX+iLk83sssybHrD7M+5m+CmpLzWL/zo8C38=";
    let public = format!(
        "    let modified_key = \"{key}\";\n    let mut device = device.clone();\n    device.wireguard_pubkey = modified_key.into();\n"
    );
    assert_eq!(found(&public), vec![]);
    let checked = format!(
        "    let valid_test_key = \"{key}\";\n    assert_ok!(Device::validate_pubkey(valid_test_key));\n"
    );
    assert_eq!(found(&checked), vec![]);
    // A password a key pair is derived from is still the secret.
    let derived = "    password := \"Xk9mQ2vL8pR4tW7nB3cY5hJ6\"\n    privateKey, publicKey := deriveTestRSAKey(t, password)\n";
    assert_eq!(found(derived).len(), 1, "{derived}");
}

#[test]
fn a_token_that_names_a_public_host_is_not_reported() {
    let share = "{\n  \"frontendEndpoints\": [\n    \"http://51bnatug7ua3.share.example.io:8080\"\n  ],\n  \"token\": \"51bnatug7ua3\"\n}\n";
    assert_eq!(found(share), vec![]);
    let token =
        "{\n  \"endpoint\": \"http://share.example.io:8080\",\n  \"token\": \"51bnatug7ua3\"\n}\n";
    assert_eq!(found(token).len(), 1, "{token}");
}

#[test]
fn a_search_only_key_named_so_is_not_reported() {
    let hugo = "  algolia_appId = \"7W4SAN4PLK\"\n  algolia_apiKey = \"cbf12a63ff72d9c5dc0c10c195cf9128\" # Search-Only API Key\n";
    assert_eq!(found(hugo), vec![]);
    let site = "  docs_search_api_key: c334c965f1dae0684bc36ec1f66f89a1\n  docs_search_index_name: projectcontour\n  docs_search_app_id: IW9YQMJ8HH\n";
    assert_eq!(found(site), vec![]);
    let admin = "  algolia_appId = \"7W4SAN4PLK\"\n  algolia_apiKey = \"cbf12a63ff72d9c5dc0c10c195cf9128\"\n";
    assert_eq!(found(admin).len(), 1, "{admin}");
}

#[test]
fn code_in_a_password_or_key_position_is_not_reported() {
    // A variable concatenated into a test's message, a path under a hidden directory and
    // Erlang's bit syntax.
    for code in [
        "\t\tfmt.Println(\"=== PASS: \"+suiteName+\"/\"+testName)\n",
        "      sshPrivateKey: \".connectionFiles/private-key\",\n",
        "handle_info({udp, Socket, _, _, <<1, Token:2/binary, 1>>}, State) ->\n",
        "  'X-Amz-Credential=ABC%2F20250820%2Fus-east-1&'\n",
    ] {
        assert_eq!(found(code), vec![], "{code}");
    }
    assert_eq!(
        found("      sshPrivateKey: \"x9Lq2vTz4Kp7Wm3Nc6Yb1Hd5\",\n").len(),
        1
    );
}

#[test]
fn build_scripts_operators_and_addresses_are_not_reported() {
    let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1cm46YXBwOjdlMGQxODg5ODIxMzQ2YWM4NTQ5Mjg0MmY0NDRmMDMwIn0.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4";
    for text in [
        "target_link_libraries(common PRIVATE hercules-mt19937ar)\n".to_string(),
        "$userpw = -join ((48..57) + (97..122) | Get-Random -Count 32 | % {[char]$_})\n"
            .to_string(),
        "\t\t\ttoken: \"mydb.us-east-1.rds.amazonaws.com:5432\",\n".to_string(),
        "[donate]: https://www.paypal.com/donate?token=zbU72YdRqPgsbpTw3M_4vR-5QJ7XvUhL9W6JlnPJw70M9LOqY1xD7xK\n".to_string(),
        format!("![the castle](https://images.example-cdn.com/f/da2pmzu/v1/fill/w_600,h_849/castle.jpg?token={jwt})\n"),
        "CREATION_TOKEN = \"console-d215fa78-1f83-4651-b026-facafd8a7da7\"\n".to_string(),
        "    {\"api_key\": \"sk-test123\"},\n".to_string(),
        "\tvalueDarklyToken := \"1@m@Pr3t3ndL@unchD@rkl3yK3y\"\n".to_string(),
    ] {
        assert_eq!(found(&text), vec![], "{text}");
    }
    // The same token outside an image, and a library's key after `PRIVATE` elsewhere.
    assert_eq!(found(&format!("Authorization: Bearer {jwt}\n")).len(), 1);
    assert_eq!(
        found("private_key = \"Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5F\"\n").len(),
        1
    );
}

#[test]
fn types_model_names_record_ids_and_domain_labels_are_not_reported() {
    for text in [
        "export type ActionMapping = {\n\tCREATE_SIGNATURE_PASSWORD: number\n}\n",
        "  { modelKey: 'claude-3-opus-20240229', title: 'Claude 3 Opus' },\n",
        "\t\t\tinternalKey: \"ot-67b0d3e3cda913b84c1299b1\",\n",
        "alibaba aliyun qwertyxn--mk1bu44cnpyatigorskjervoyagexn--mkru45is\n",
    ] {
        assert_eq!(found(text), vec![], "{text}");
    }
    // A key after a prefix whose digits are no creation time is still a key.
    assert_eq!(
        found("\t\t\tinternalKey: \"ot-f7b0d3e3cda913b84c1299b1\",\n").len(),
        1
    );
}

#[test]
fn a_jwt_signed_with_words_and_a_counted_smtp_key_are_not_reported() {
    let words = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ0ZXN0IiwiaXNzIjoiaXNzdWVyIn0.c2lnbmF0dXJlX3ZhbHVlX2hlcmU";
    assert_eq!(found(&format!("const SampleJwt = \"{words}\";\n")), vec![]);
    let signed = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ0ZXN0IiwiaXNzIjoiaXNzdWVyIn0.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4";
    assert_eq!(
        found(&format!("const SampleJwt = \"{signed}\";\n")).len(),
        1
    );
    assert_eq!(
        found("  auth: {\n    user: \"usesend\",\n    pass: \"us_123\",\n  },\n"),
        vec![]
    );
}

#[test]
fn a_base64_pem_of_words_and_a_needs_to_change_password_are_not_reported() {
    let guide = "$ cat certificate.key | base64 -e\nLS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQovKiB5b3VyIHVuZW5jcnlwdGVkIHByaXZhdGUga2V5IGhlcmUgKi8KLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K\n";
    assert_eq!(found(guide), vec![]);
    assert_eq!(
        found("    MYSQL_ROOT_PASSWORD: \"SUPERNEEDSTOCHANGE\"\n"),
        vec![]
    );
    assert_eq!(
        found("    MYSQL_ROOT_PASSWORD: \"Tr0ub4dor3xKq9vLmZ\"\n").len(),
        1
    );
}
