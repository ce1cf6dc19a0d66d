//! One test per format: names, versions, lines and the direct/dev flags the file states.

use super::*;

/// (name, version, line) of every package `content` pins when read as `path`.
fn pins(path: &str, content: &str) -> Vec<(String, String, u32)> {
    let kind = kind_of(path).unwrap_or_else(|| panic!("{path} is a known format"));
    read(kind, content)
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.version, p.line))
        .collect()
}

fn pin(name: &str, version: &str, line: u32) -> (String, String, u32) {
    (name.to_string(), version.to_string(), line)
}

#[test]
fn cargo_lock_keeps_registry_packages_and_marks_the_members_dependencies_direct() {
    let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"smallvec\",\n]\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"time\"\nversion = \"0.1.45\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"forked\"\nversion = \"1.0.0\"\nsource = \"git+https://example.com/forked#abc\"\n";
    let packages = read(Kind::CargoLock, lock).unwrap();
    assert_eq!(
        pins("Cargo.lock", lock),
        vec![pin("smallvec", "1.6.0", 10), pin("time", "0.1.45", 15)]
    );
    assert_eq!(packages[0].direct, Some(true));
    assert_eq!(packages[1].direct, Some(false));
    assert!(read(Kind::CargoLock, "[[package]\nname=").is_err());
}

#[test]
fn package_lock_v3_and_v1_give_the_same_packages_with_flags() {
    let v3 = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "name": "app",
      "dependencies": { "lodash": "^4.17.0" },
      "devDependencies": { "mocha": "^10.0.0" }
    },
    "node_modules/lodash": {
      "version": "4.17.20"
    },
    "node_modules/mocha": {
      "version": "10.0.0",
      "dev": true
    },
    "node_modules/mocha/node_modules/ms": {
      "version": "2.1.3",
      "dev": true
    },
    "packages/local": {
      "version": "1.0.0"
    },
    "node_modules/local": {
      "resolved": "packages/local",
      "link": true
    }
  }
}"#;
    let packages = read(Kind::NpmLock, v3).unwrap();
    assert_eq!(
        pins("package-lock.json", v3),
        vec![
            pin("lodash", "4.17.20", 10),
            pin("mocha", "10.0.0", 13),
            pin("ms", "2.1.3", 17)
        ]
    );
    assert_eq!(packages[0].direct, Some(true));
    assert!(packages[1].dev && packages[1].direct == Some(true));
    assert_eq!(packages[2].direct, Some(false));

    let v1 = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "lodash": {
      "version": "4.17.20"
    },
    "mocha": {
      "version": "10.0.0",
      "dev": true,
      "dependencies": {
        "ms": {
          "version": "2.1.3",
          "dev": true
        }
      }
    },
    "local": {
      "version": "file:packages/local"
    }
  }
}"#;
    assert_eq!(
        pins("npm-shrinkwrap.json", v1),
        vec![
            pin("lodash", "4.17.20", 4),
            pin("mocha", "10.0.0", 7),
            pin("ms", "2.1.3", 11)
        ]
    );
    assert!(read(Kind::NpmLock, "{\"packages\": ").is_err());
}

#[test]
fn yarn_classic_and_berry_lockfiles() {
    let classic = "# yarn lockfile v1\n\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.1.0\"\n  resolved \"https://registry.yarnpkg.com/x\"\n  dependencies:\n    debug \"^4.1.0\"\n\ndebug@^4.1.0:\n  version \"4.1.0\"\n";
    assert_eq!(
        pins("yarn.lock", classic),
        vec![pin("@babel/core", "7.1.0", 4), pin("debug", "4.1.0", 10)]
    );
    let berry = "__metadata:\n  version: 6\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n\n\"minimist@npm:^1.2.0\":\n  version: 1.2.5\n  resolution: \"minimist@npm:1.2.5\"\n";
    assert_eq!(pins("yarn.lock", berry), vec![pin("minimist", "1.2.5", 7)]);
}

#[test]
fn pnpm_lockfiles_of_every_key_style() {
    let v5 = "lockfileVersion: 5.4\n\nspecifiers:\n  lodash: ^4.0.0\n\ndependencies:\n  lodash: 4.17.20\n\npackages:\n\n  /lodash/4.17.20:\n    resolution: {integrity: sha512-x}\n    dev: false\n\n  /@types/node/18.0.0_typescript@4.9.0:\n    resolution: {integrity: sha512-y}\n    dev: true\n";
    let packages = read(Kind::PnpmLock, v5).unwrap();
    assert_eq!(
        pins("pnpm-lock.yaml", v5),
        vec![
            pin("lodash", "4.17.20", 11),
            pin("@types/node", "18.0.0", 15)
        ]
    );
    assert_eq!(packages[0].direct, Some(true));
    assert!(packages[1].dev);
    let v9 = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      react:\n        specifier: ^18.0.0\n        version: 18.2.0\n\npackages:\n\n  react@18.2.0:\n    resolution: {integrity: sha512-z}\n\n  '@scope/x@1.0.0(react@18.2.0)':\n    resolution: {integrity: sha512-w}\n";
    assert_eq!(
        pins("pnpm-lock.yaml", v9),
        vec![pin("react", "18.2.0", 13), pin("@scope/x", "1.0.0", 16)]
    );
}

#[test]
fn pnpm_v6_keys_with_scopes_and_peer_suffixes() {
    let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  '@babel/core':\n    specifier: ^7.21.0\n    version: 7.21.0(supports-color@5.5.0)\n\npackages:\n\n  /@babel/core@7.21.0(supports-color@5.5.0):\n    resolution: {integrity: sha512-a}\n    dev: false\n\n  /lodash@4.17.21:\n    resolution: {integrity: sha512-b}\n    dev: true\n";
    let packages = read(Kind::PnpmLock, v6).unwrap();
    assert_eq!(
        pins("pnpm-lock.yaml", v6),
        vec![
            pin("@babel/core", "7.21.0", 10),
            pin("lodash", "4.17.21", 14)
        ]
    );
    assert_eq!(packages[0].direct, Some(true));
    assert!(packages[1].dev && packages[1].direct == Some(false));
}

#[test]
fn bun_lock_is_json_with_trailing_commas() {
    let lock = "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {\n    \"\": { \"name\": \"app\", },\n  },\n  \"packages\": {\n    \"axios\": [\"axios@1.6.0\", \"\", { \"dependencies\": { \"x\": \"1\" } }, \"sha512-a\"],\n    \"@types/bun\": [\"@types/bun@1.1.0\", \"\", {}, \"sha512-b\"],\n    \"app\": [\"app@workspace:.\"],\n  },\n}\n";
    assert_eq!(
        pins("bun.lock", lock),
        vec![pin("axios", "1.6.0", 7), pin("@types/bun", "1.1.0", 8)]
    );
}

#[test]
fn requirements_pins_with_extras_markers_hashes_and_continuations() {
    let text = "# comment\n-r base.txt\n--constraint constraints.txt\nDjango==3.2.1 ; python_version >= '3.8'\nrequests[socks]==2.25.0 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nflask>=2.0\nnumpy==1.*\nurllib3===1.26.4  # pinned\n-e git+https://example.com/x.git#egg=x\n";
    assert_eq!(
        pins("requirements-dev.txt", text),
        vec![
            pin("django", "3.2.1", 4),
            pin("requests", "2.25.0", 5),
            pin("urllib3", "1.26.4", 10)
        ]
    );
    assert_eq!(
        requirement_includes(text),
        vec!["base.txt", "constraints.txt"]
    );
    assert_eq!(kind_of("requirements/prod.txt"), None);
    assert_eq!(kind_of("a/requirements.txt"), Some(Kind::Requirements));
}

#[test]
fn poetry_uv_pdm_and_pipfile_locks() {
    let poetry = "[[package]]\nname = \"jinja2\"\nversion = \"2.11.2\"\ncategory = \"main\"\noptional = false\n\n[[package]]\nname = \"pytest\"\nversion = \"6.0.0\"\ngroups = [\"dev\"]\n\n[[package]]\nname = \"mine\"\nversion = \"0.1.0\"\n[package.source]\ntype = \"directory\"\nurl = \"../mine\"\n";
    let packages = read(Kind::PoetryLock, poetry).unwrap();
    assert_eq!(
        pins("poetry.lock", poetry),
        vec![pin("jinja2", "2.11.2", 1), pin("pytest", "6.0.0", 7)]
    );
    assert!(!packages[0].dev && packages[1].dev);

    let uv = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"pyyaml\"\nversion = \"5.3\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
    assert_eq!(pins("uv.lock", uv), vec![pin("pyyaml", "5.3", 8)]);

    let pdm = "[metadata]\ngroups = [\"default\", \"test\"]\n\n[[package]]\nname = \"urllib3\"\nversion = \"1.26.0\"\ngroups = [\"default\"]\n\n[[package]]\nname = \"pytest\"\nversion = \"7.0.0\"\ngroups = [\"test\"]\n";
    let packages = read(Kind::PdmLock, pdm).unwrap();
    assert_eq!(packages.len(), 2);
    assert!(!packages[0].dev && packages[1].dev);
    assert_eq!(packages[1].line, 9);

    let pipfile = "{\n    \"_meta\": {},\n    \"default\": {\n        \"django\": {\n            \"version\": \"==2.2.0\"\n        },\n        \"local\": {\n            \"path\": \".\"\n        }\n    },\n    \"develop\": {\n        \"pytest\": {\n            \"version\": \"==6.0.0\"\n        }\n    }\n}\n";
    let packages = read(Kind::PipfileLock, pipfile).unwrap();
    assert_eq!(
        pins("Pipfile.lock", pipfile),
        vec![pin("django", "2.2.0", 4), pin("pytest", "6.0.0", 12)]
    );
    assert!(packages[1].dev);
}

#[test]
fn go_mod_requires_with_indirect_marks_and_replacements() {
    let text = "module example.com/app\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.6.0\n\nrequire (\n\tgolang.org/x/net v0.0.0-20200202094626-16171245cfb2 // indirect\n\tgithub.com/old/lib v1.0.0\n\tgithub.com/local/lib v1.0.0\n)\n\nreplace github.com/old/lib => github.com/new/lib v1.2.0\nreplace github.com/local/lib => ../lib\n";
    let packages = go::go_mod(text);
    assert_eq!(
        pins("go.mod", text),
        vec![
            pin("github.com/gin-gonic/gin", "v1.6.0", 5),
            pin("golang.org/x/net", "v0.0.0-20200202094626-16171245cfb2", 8),
            pin("github.com/new/lib", "v1.2.0", 9),
        ]
    );
    assert_eq!(packages[0].direct, Some(true));
    assert_eq!(packages[1].direct, Some(false));
}

#[test]
fn gemfile_lock_specs_without_platforms() {
    let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.10.0-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.4.16)\n    rails (6.0.0.rc1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  nokogiri\n  rails (= 6.0.0.rc1)\n\nBUNDLED WITH\n   2.1.4\n";
    let packages = read(Kind::GemfileLock, text).unwrap();
    assert_eq!(
        pins("Gemfile.lock", text),
        vec![
            pin("nokogiri", "1.10.0", 4),
            pin("racc", "1.4.16", 6),
            pin("rails", "6.0.0.rc1", 7)
        ]
    );
    assert_eq!(packages[1].direct, Some(false));
    assert_eq!(packages[2].direct, Some(true));
}

#[test]
fn composer_lock_packages_and_dev_packages() {
    let text = "{\n    \"packages\": [\n        {\n            \"name\": \"guzzlehttp/guzzle\",\n            \"version\": \"7.4.0\"\n        }\n    ],\n    \"packages-dev\": [\n        {\n            \"name\": \"phpunit/phpunit\",\n            \"version\": \"9.5.0\"\n        }\n    ]\n}\n";
    let packages = read(Kind::ComposerLock, text).unwrap();
    assert_eq!(
        pins("composer.lock", text),
        vec![
            pin("guzzlehttp/guzzle", "7.4.0", 4),
            pin("phpunit/phpunit", "9.5.0", 10)
        ]
    );
    assert!(packages[1].dev);
}

#[test]
fn pom_versions_come_from_properties_and_dependency_management() {
    let pom = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <groupId>com.example</groupId>
  <version>1.0.0</version>
  <properties>
    <jackson.version>2.9.8</jackson.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-core</artifactId>
        <version>2.14.1</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
    </dependency>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>${undefined.version}</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
"#;
    assert_eq!(
        pins("pom.xml", pom),
        vec![
            pin("com.fasterxml.jackson.core:jackson-databind", "2.9.8", 18),
            pin("org.apache.logging.log4j:log4j-core", "2.14.1", 23),
            pin("org.apache.logging.log4j:log4j-core", "2.14.1", 10),
        ]
    );
    let dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><project/>";
    assert!(
        read(Kind::PomXml, dtd).is_err(),
        "DTDs (entity expansion) are refused"
    );
}

#[test]
fn gradle_nuget_pub_and_mix_locks() {
    let gradle = "# This is a Gradle generated file\ncom.google.guava:guava:30.0-jre=compileClasspath,runtimeClasspath\njunit:junit:4.12=testCompileClasspath\nempty=annotationProcessor\n";
    let packages = read(Kind::GradleLockfile, gradle).unwrap();
    assert_eq!(
        pins("gradle.lockfile", gradle),
        vec![
            pin("com.google.guava:guava", "30.0-jre", 2),
            pin("junit:junit", "4.12", 3)
        ]
    );
    assert!(!packages[0].dev && packages[1].dev);

    let nuget = "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net6.0\": {\n      \"Newtonsoft.Json\": {\n        \"type\": \"Direct\",\n        \"resolved\": \"12.0.1\"\n      },\n      \"System.Text.Json\": {\n        \"type\": \"Transitive\",\n        \"resolved\": \"4.7.0\"\n      },\n      \"mylib\": {\n        \"type\": \"Project\"\n      }\n    }\n  }\n}\n";
    let packages = read(Kind::NugetLock, nuget).unwrap();
    assert_eq!(
        pins("packages.lock.json", nuget),
        vec![
            pin("Newtonsoft.Json", "12.0.1", 5),
            pin("System.Text.Json", "4.7.0", 9)
        ]
    );
    assert_eq!(packages[0].direct, Some(true));

    let pubspec = "packages:\n  http:\n    dependency: \"direct main\"\n    description:\n      name: http\n      url: \"https://pub.dev\"\n    source: hosted\n    version: \"0.13.0\"\n  flutter:\n    dependency: \"direct main\"\n    description: flutter\n    source: sdk\n    version: \"0.0.0\"\nsdks:\n  dart: \">=2.12.0 <3.0.0\"\n";
    assert_eq!(
        pins("pubspec.lock", pubspec),
        vec![pin("http", "0.13.0", 2)]
    );

    let mix = "%{\n  \"plug\": {:hex, :plug, \"1.11.0\", \"hash\", [:mix], [], \"hexpm\", \"x\"},\n  \"mine\": {:git, \"https://example.com/mine.git\", \"abc\", []},\n}\n";
    assert_eq!(pins("mix.lock", mix), vec![pin("plug", "1.11.0", 2)]);
}

#[test]
fn malformed_lockfiles_are_errors_not_panics() {
    for (kind, text) in [
        (Kind::NpmLock, "not json"),
        (Kind::PnpmLock, "packages: [unclosed"),
        (Kind::PoetryLock, "[[package]\n"),
        (Kind::ComposerLock, "{\"packages\": [1,}"),
        (Kind::PomXml, "<project><dependencies>"),
        (Kind::YarnLock, "this is not a lockfile\n"),
    ] {
        assert!(read(kind, text).is_err(), "{kind:?}");
    }
    for text in ["", "\u{0}\u{1}", "require (", "GEM\n  specs:\n    x ("] {
        for kind in [
            Kind::GoMod,
            Kind::GemfileLock,
            Kind::Requirements,
            Kind::MixLock,
            Kind::GradleLockfile,
        ] {
            let _ = read(kind, text);
        }
    }
}

/// Every reader on every prefix of a valid file of its format, and on the file with bytes
/// replaced by multi-byte and structural characters: an error or packages, never a panic.
#[test]
fn no_reader_panics_on_truncated_or_mangled_input() {
    let samples: &[(Kind, &str)] = &[
        (Kind::CargoLock, "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n"),
        (Kind::NpmLock, "{\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":{\"a\":\"1\"}},\"node_modules/a\":{\"version\":\"1.0.0\",\"dev\":true}}}"),
        (Kind::NpmLock, "{\"dependencies\":{\"a\":{\"version\":\"npm:b@1.0.0\",\"dependencies\":{\"c\":{\"version\":\"2.0.0\"}}}}}"),
        (Kind::YarnLock, "\"@s/a@^1\", a@^1:\n  version \"1.0.0\"\n\"b@npm:^2\":\n  version: 2.0.0\n"),
        (Kind::PnpmLock, "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n  /b/2.0.0_c@1.0.0:\n    dev: true\n"),
        (Kind::BunLock, "{\"packages\":{\"a\":[\"a@1.0.0\",\"\",{},\"sha\"],},}"),
        (Kind::Requirements, "-r x.txt\nA[b]==1.0 ; python_version > '3' \\\n  --hash=sha256:0\n"),
        (Kind::PoetryLock, "[[package]]\nname = \"a\"\nversion = \"1\"\ngroups = [\"dev\"]\n"),
        (Kind::PipfileLock, "{\"default\":{\"a\":{\"version\":\"==1\"}},\"develop\":{}}"),
        (Kind::GoMod, "module m\nrequire (\n\ta v1.0.0 // indirect\n)\nreplace a => b v2.0.0\n"),
        (Kind::GemfileLock, "GEM\n  specs:\n    a (1.0.0-x86_64-linux)\nDEPENDENCIES\n  a\n"),
        (Kind::ComposerLock, "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1.0\"}]}"),
        (Kind::PomXml, "<project><properties><v>1</v></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency></dependencies></project>"),
        (Kind::GradleLockfile, "g:a:1.0=compileClasspath\n"),
        (Kind::NugetLock, "{\"dependencies\":{\"net6.0\":{\"A\":{\"type\":\"Direct\",\"resolved\":\"1.0\"}}}}"),
        (Kind::PubspecLock, "packages:\n  a:\n    dependency: \"direct main\"\n    source: hosted\n    version: \"1.0.0\"\n"),
        (Kind::MixLock, "%{\n  \"a\": {:hex, :a, \"1.0.0\", \"h\", [:mix], [], \"hexpm\", \"x\"},\n}\n"),
    ];
    for (kind, text) in samples {
        assert!(
            !read(*kind, text).unwrap().is_empty(),
            "{kind:?} sample reads"
        );
        let cuts = text.char_indices().map(|(i, _)| i);
        for cut in cuts {
            let _ = read(*kind, &text[..cut]);
            for replacement in ["é", "@", "\"", "\n", "{", "]", "${", "/", "=>"] {
                let mut mangled = text.to_string();
                mangled.replace_range(
                    cut..cut + text[cut..].chars().next().unwrap().len_utf8(),
                    replacement,
                );
                let _ = read(*kind, &mangled);
            }
        }
    }
}
