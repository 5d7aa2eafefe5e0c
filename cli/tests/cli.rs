//! Runs the built `bedrock-alerts` binary and checks its output and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn events(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-alerts"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The named string fields of each finding, in order.
fn fields<'a>(findings: &'a [Value], names: &[&str]) -> Vec<Vec<&'a str>> {
    findings
        .iter()
        .map(|f| names.iter().map(|n| f[*n].as_str().unwrap()).collect())
        .collect()
}

fn statuses(findings: &[Value]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect()
}

fn temp_file(name: &str, bytes: &[u8]) -> String {
    let path =
        std::env::temp_dir().join(format!("bedrock-alerts-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn json_findings_one_per_line_with_the_documented_fields() {
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            &events("objects/invocation-batch.json.gz"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let findings = json_lines(&output);
    assert_eq!(findings.len(), 2);
    let first = &findings[0];
    for field in [
        "severity",
        "source",
        "status",
        "event_type",
        "timestamp",
        "account_id",
        "region",
        "knowledge_base_id",
        "knowledge_base_arn",
        "data_source_id",
        "ingestion_job_id",
        "document_uri",
        "reasons",
        "model_id",
        "operation",
        "request_id",
        "origin",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert_eq!(first["severity"], "ERROR");
    assert_eq!(first["source"], "model_invocation");
    assert_eq!(first["status"], "ThrottlingException");
    assert_eq!(first["origin"]["line"], 4);
    assert!(first["origin"]["input"]
        .as_str()
        .unwrap()
        .ends_with("invocation-batch.json.gz"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("8 invocation record(s)"), "{stderr}");
    assert!(
        stderr.contains("findings: 2 error(s), 0 warning(s)"),
        "{stderr}"
    );
}

#[test]
fn text_format_is_one_readable_line_per_finding() {
    let output = run(
        &["scan", &events("objects/kb-application-logs.json.gz")],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(
        lines[0].starts_with("ERROR knowledge_base EMBEDDING_FAILED"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("doc=s3://acme-kb-docs/handbook.pdf"));
    assert!(!stdout.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn min_severity_leaves_out_warnings() {
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            "--min-severity",
            "error",
            &events("objects/kb-application-logs.json.gz"),
        ],
        None,
    );
    let findings = json_lines(&output);
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["severity"] == "ERROR"));
}

#[test]
fn status_filters_and_severity_overrides() {
    let kb = events("objects/kb-application-logs.json.gz");
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            "--exclude-status",
            "RESOURCE_IGNORED",
            "--severity-override",
            "COMPLETE=ERROR",
            &kb,
        ],
        None,
    );
    let findings = json_lines(&output);
    assert_eq!(
        fields(&findings, &["status", "severity"]),
        [
            ["EMBEDDING_FAILED", "ERROR"],
            ["INDEXING_FAILED", "ERROR"],
            ["COMPLETE", "ERROR"]
        ]
    );
    let only = run(
        &[
            "scan",
            "--format",
            "json",
            "--include-status",
            "INDEXING_FAILED",
            &kb,
        ],
        None,
    );
    assert_eq!(json_lines(&only).len(), 1);
}

#[test]
fn reads_stdin() {
    let data = std::fs::read(events("cwlogs-kb-failures.json")).unwrap();
    let output = run(&["scan", "--format", "json", "-"], Some(&data));
    assert_eq!(output.status.code(), Some(0));
    let findings = json_lines(&output);
    assert_eq!(findings.len(), 4);
    assert_eq!(findings[0]["origin"]["input"], "-");
    let no_args = run(&["scan", "--format", "json"], Some(&data));
    assert_eq!(json_lines(&no_args).len(), 4);
}

#[test]
fn directories_are_read_recursively() {
    let output = run(&["scan", "--format", "json", &events("objects")], None);
    assert_eq!(output.status.code(), Some(0));
    let findings = json_lines(&output);
    // Gzip and plain twins both count: 2+2 invocation, 4+4 KB, 2+2 Firehose, 1 managed, 3 bad-lines.
    assert_eq!(findings.len(), 20);
}

#[test]
fn bad_records_are_warnings_and_scanning_goes_on() {
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            &events("objects/bad-lines.ndjson"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let findings = json_lines(&output);
    let statuses = statuses(&findings);
    assert_eq!(
        statuses,
        vec![
            "UNPARSEABLE_RECORD",
            "EMBEDDING_FAILED",
            "UNPARSEABLE_RECORD"
        ]
    );
    assert_eq!(findings[0]["source"], "processor");
    assert_eq!(findings[0]["severity"], "WARN");
    assert_eq!(findings[0]["origin"]["line"], 2);
}

#[test]
fn strict_mode_also_reports_invalid_json_inside_healthy_records() {
    // A healthy record with a bad escape deep in its prompt, then a failed call.
    let data = concat!(
        r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","input":{"inputBodyJson":{"messages":[{"content":[{"text":"bad \x escape"}]}]}}}"#,
        "\n",
        r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","errorCode":"ThrottlingException"}"#,
        "\n",
    );
    let path = temp_file("strict.ndjson", data.as_bytes());
    let default = run(&["scan", "--format", "json", &path], None);
    assert_eq!(statuses(&json_lines(&default)), vec!["ThrottlingException"]);
    let strict = run(&["scan", "--format", "json", "--strict", &path], None);
    assert_eq!(
        statuses(&json_lines(&strict)),
        vec!["UNPARSEABLE_RECORD", "ThrottlingException"]
    );
}

#[test]
fn missing_file_is_unreadable_and_exits_one() {
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            "/no/such/file.json.gz",
            &events("objects/kb-managed-logs.ndjson"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let findings = json_lines(&output);
    assert_eq!(findings[0]["status"], "UNREADABLE_INPUT");
    assert_eq!(findings[0]["severity"], "ERROR");
    assert_eq!(findings[0]["source"], "processor");
    assert_eq!(
        findings[1]["status"], "INDEX_FAILED",
        "later inputs are still read"
    );
}

#[test]
fn truncated_gzip_keeps_earlier_findings_and_exits_one() {
    let gz = std::fs::read(events("objects/kb-application-logs.json.gz")).unwrap();
    let plain = std::fs::read(events("objects/kb-application-logs.ndjson")).unwrap();
    // Recompress with the failures early, then cut the tail off.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&plain).unwrap();
    encoder.write_all(&vec![b' '; 200_000]).unwrap();
    let mut big = encoder.finish().unwrap();
    big.truncate(big.len() - 20);
    assert!(gz.len() > 100);
    let path = temp_file("truncated.json.gz", &big);
    let output = run(&["scan", "--format", "json", &path], None);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings = json_lines(&output);
    let statuses = statuses(&findings);
    assert_eq!(
        statuses,
        vec![
            "EMBEDDING_FAILED",
            "INDEXING_FAILED",
            "RESOURCE_IGNORED",
            "COMPLETE",
            "UNREADABLE_INPUT"
        ]
    );
}

#[test]
fn gzip_bomb_stops_at_the_cap() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![b'\n'; 50 << 20]).unwrap();
    let path = temp_file("bomb.gz", &encoder.finish().unwrap());
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            "--max-decoded-bytes",
            "1048576",
            &path,
        ],
        None,
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings = json_lines(&output);
    assert_eq!(findings[0]["status"], "UNREADABLE_INPUT");
    assert!(findings[0]["reasons"][0].as_str().unwrap().contains("cap"));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(
        run(&["scan", "--format", "xml"], None).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"], None).status.code(), Some(2));
}

#[test]
fn prompts_and_outputs_never_reach_the_output() {
    for format in ["json", "text"] {
        let args = [
            "scan",
            "--format",
            format,
            "--guardrail-as-warn",
            &events("objects"),
            &events("."),
        ];
        let output = run(&args, None);
        let text =
            String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
        assert!(text.contains("ThrottlingException"), "{format}");
        assert!(!text.contains("CANARY"), "{format}");
    }
}

#[test]
fn saved_bedrock_job_events_are_scanned_and_the_policy_knobs_apply() {
    let saved = events("eventbridge-bedrock-job-events.json");
    let output = run(
        &[
            "scan",
            "--format",
            "json",
            "--exclude-status",
            "Expired",
            "--severity-override",
            "PartiallyCompleted=ERROR",
            &saved,
        ],
        None,
    );
    assert!(output.status.success());
    let findings = json_lines(&output);
    assert_eq!(
        fields(&findings, &["source", "status", "severity"]),
        [
            ["bedrock_job", "Failed", "ERROR"],
            ["bedrock_job", "PartiallyCompleted", "ERROR"],
            ["bedrock_job", "FailedWithClientError", "ERROR"],
            ["bedrock_job", "FailedWithServiceError", "ERROR"],
        ]
    );
    assert!(findings.iter().all(|f| f["job_arn"].is_string()));
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(summary.contains("6 Bedrock job event(s)"), "{summary}");
    assert!(summary.contains("1 unknown document(s)"), "{summary}");
}
