//! `incident completions SHELL` and `incident man DIR`: generated from the
//! same command definitions as `--help`, so every command and option is in
//! them.

fn incident(args: &[&str]) -> (i32, String, String) {
    let out = crate::support::cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn completions_cover_every_command_and_option() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, err) = incident(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in [
            "declare",
            "resolve",
            "message-file",
            "next-update",
            "changed-since",
        ] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    let (code, _, err) = incident(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{err}"
    );
}

#[test]
fn man_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let (code, stdout, err) = incident(&["man", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for page in [
        "incident.1",
        "incident-declare.1",
        "incident-actions-plan.1",
        "incident-man.1",
    ] {
        let path = out.join(page);
        assert!(path.is_file(), "{page} missing:\n{stdout}");
        assert!(
            stdout.contains(&format!("wrote {}", path.display())),
            "{stdout}"
        );
    }
    let declare = std::fs::read_to_string(out.join("incident-declare.1")).unwrap();
    assert!(declare.contains(".TH incident-declare 1"), "{declare}");
    assert!(declare.contains("message\\-file"), "{declare}");
}

#[test]
fn every_command_shows_an_example_in_its_help() {
    let (code, help, _) = incident(&["--help"]);
    assert_eq!(code, 0);
    // The command list: "  name  what it does" lines under "Commands:".
    let commands: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 15, "{commands:?}");
    for command in commands {
        let (code, out, err) = incident(&[&command, "--help"]);
        assert_eq!(code, 0, "{command}: {err}");
        assert!(
            out.contains("Example"),
            "`incident {command} --help` shows no example:\n{out}"
        );
    }
}
