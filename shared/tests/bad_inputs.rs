//! The engine over the hostile / broken input corpus in `tests/fixtures/bad-inputs/`
//! (written by `scripts/make_bad_inputs.py`; `manifest.json` says what each case must yield).
//!
//! Every `object` and `cw_event` case is scanned with an 8 MB decoded-size cap and must: not
//! panic, make exactly the expected findings (or at least `statuses_include`), report a read
//! error exactly when the input is unreadable, keep every reason within 1 KB, never copy a
//! prompt or response body (the corpus plants `CANARY-…` strings in them), and count one bad
//! record per UNPARSEABLE_RECORD finding.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bedrock_alerts::rules::finding::{MAX_REASON_BYTES, MAX_STATUS_BYTES, UNPARSEABLE_RECORD};
use bedrock_alerts::triggers::object_events::parse_trigger;
use bedrock_alerts::{Engine, Finding, InputReport, Limits, Policy, ReadOutcome};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// The decoded-size cap the corpus's expectations assume.
const CAP: u64 = 8 << 20;
/// Planted in prompt and response bodies; must never appear in a finding.
const CANARY: &str = "CANARY";
/// Largest file the corpus stores; bigger inputs are generated from a recipe.
const MAX_FILE_BYTES: u64 = 200_000;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bad-inputs")
}

fn manifest() -> Value {
    let path = corpus_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/make_bad_inputs.py)", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn cases(manifest: &Value) -> &Vec<Value> {
    manifest["cases"].as_array().expect("manifest has cases")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {value}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Writes each `[text, repeat]` part of a recipe, in chunks of about 1 MB.
fn write_parts(out: &mut dyn Write, parts: &[Value]) {
    for part in parts {
        let unit = part[0].as_str().unwrap().as_bytes();
        let count = usize::try_from(part[1].as_u64().unwrap()).unwrap();
        let per_chunk = ((1 << 20) / unit.len().max(1)).max(1);
        let chunk = unit.repeat(per_chunk.min(count));
        let mut left = count;
        while left > 0 {
            let n = left.min(per_chunk);
            out.write_all(&chunk[..n * unit.len()]).unwrap();
            left -= n;
        }
    }
}

/// Builds a generated case in memory (gzip bomb, 5 MB line, deep nesting, huge reasons).
fn generate(recipe: &Value) -> Vec<u8> {
    let parts = recipe["parts"].as_array().expect("recipe parts");
    if recipe["gzip"].as_bool().unwrap_or(false) {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        write_parts(&mut encoder, parts);
        encoder.finish().unwrap()
    } else {
        let mut out = Vec::new();
        write_parts(&mut out, parts);
        out
    }
}

fn case_bytes(case: &Value) -> Vec<u8> {
    match case.get("file").and_then(Value::as_str) {
        Some(file) => std::fs::read(corpus_dir().join(file)).unwrap(),
        None => generate(&case["generate"]),
    }
}

struct Outcome {
    findings: Vec<Finding>,
    report: InputReport,
}

fn scan(name: &str, bytes: &[u8]) -> Result<Outcome, String> {
    let engine = Engine::new(
        Policy::default(),
        Limits {
            max_decoded_bytes: CAP,
        },
    );
    catch_unwind(AssertUnwindSafe(|| {
        let mut findings = Vec::new();
        let report = engine.scan_bytes(name, bytes, &mut |f| findings.push(f));
        Outcome { findings, report }
    }))
    .map_err(|_| format!("{name}: the engine panicked"))
}

fn sorted_statuses(findings: &[Finding]) -> Vec<String> {
    let mut statuses: Vec<String> = findings.iter().map(|f| f.status.clone()).collect();
    statuses.sort();
    statuses
}

/// True when every entry of `want` (with repeats) is in `have`.
fn contains_all(have: &[String], want: &[String]) -> bool {
    let mut left: BTreeMap<&str, i64> = BTreeMap::new();
    for status in have {
        *left.entry(status.as_str()).or_default() += 1;
    }
    want.iter().all(|status| {
        let n = left.entry(status.as_str()).or_default();
        *n -= 1;
        *n >= 0
    })
}

/// Everything wrong with the engine's verdict on one case (empty when it is right).
fn check(case: &Value) -> Vec<String> {
    let name = text(case, "name");
    let expect = &case["expect"];
    let bytes = case_bytes(case);
    let outcome = match scan(name, &bytes) {
        Ok(outcome) => outcome,
        Err(problem) => return vec![problem],
    };
    let mut problems = Vec::new();
    let mut problem = |what: String| problems.push(format!("{name}: {what}"));

    // The manifest lists the records' findings; an unreadable input is its `unreadable` flag,
    // checked below against the engine's one UNREADABLE_INPUT finding.
    let (reported, records): (Vec<Finding>, Vec<Finding>) = outcome
        .findings
        .iter()
        .cloned()
        .partition(|f| f.status == "UNREADABLE_INPUT" && f.origin.line.is_none());
    let got = sorted_statuses(&records);
    if let Some(want) = expect.get("statuses") {
        let want = strings(want);
        if got != want {
            problem(format!("statuses {got:?}, expected {want:?}"));
        }
    }
    if let Some(want) = expect.get("statuses_include") {
        let want = strings(want);
        if !contains_all(&got, &want) {
            problem(format!("statuses {got:?} do not include {want:?}"));
        }
    }
    for status in strings(&expect["statuses_exclude"]) {
        if got.contains(&status) {
            problem(format!("status {status} must not be found"));
        }
    }

    let unreadable = expect["unreadable"].as_bool().unwrap_or(false);
    let error_text = match &outcome.report.outcome {
        ReadOutcome::Complete => String::new(),
        ReadOutcome::Unreadable(reason) => reason.clone(),
        ReadOutcome::Interrupted(error) => error.to_string(),
    };
    if reported.len() != usize::from(unreadable) {
        problem(format!(
            "{} UNREADABLE_INPUT finding(s), expected unreadable = {unreadable}",
            reported.len()
        ));
    }
    if error_text.is_empty() == unreadable {
        problem(format!(
            "read outcome {:?}, expected unreadable = {unreadable}",
            outcome.report.outcome
        ));
    }
    if error_text.contains(CANARY) {
        problem(format!("the read error quotes a body: {error_text}"));
    }
    if let Some(wanted) = expect.get("reason_contains").and_then(Value::as_str) {
        let found = error_text.contains(wanted)
            || outcome
                .findings
                .iter()
                .flat_map(|f| f.reasons.iter())
                .any(|reason| reason.contains(wanted));
        if !found {
            problem(format!("no reason contains {wanted:?}"));
        }
    }

    for finding in &outcome.findings {
        for reason in &finding.reasons {
            if reason.len() > MAX_REASON_BYTES {
                problem(format!("a reason of {} bytes", reason.len()));
            }
        }
        if finding.status.len() > MAX_STATUS_BYTES {
            problem(format!("a status of {} bytes", finding.status.len()));
        }
        let json = serde_json::to_string(finding).unwrap();
        if json.contains(CANARY) {
            problem(format!("a finding copies a body: {json}"));
        }
    }

    let counts = &outcome.report.counts;
    let unparseable = outcome
        .findings
        .iter()
        .filter(|f| f.status == UNPARSEABLE_RECORD)
        .count() as u64;
    if counts.bad_records != unparseable {
        problem(format!(
            "counts.bad_records = {}, but {unparseable} UNPARSEABLE_RECORD finding(s)",
            counts.bad_records
        ));
    }
    if counts.errors + counts.warnings != outcome.findings.len() as u64 {
        problem(format!(
            "counts say {} error(s) + {} warning(s), but {} finding(s)",
            counts.errors,
            counts.warnings,
            outcome.findings.len()
        ));
    }
    if let Some(want) = expect.get("counts").and_then(Value::as_object) {
        let have = serde_json::to_value(counts).unwrap();
        for (key, value) in want {
            if have.get(key) != Some(value) {
                problem(format!("counts.{key} = {}, expected {value}", have[key]));
            }
        }
    }
    problems
}

#[test]
fn every_object_and_cloudwatch_case_meets_its_expectation() {
    let manifest = manifest();
    let mut problems = Vec::new();
    let mut checked = 0;
    for case in cases(&manifest) {
        if !matches!(text(case, "kind"), "object" | "cw_event") {
            continue;
        }
        checked += 1;
        problems.extend(check(case));
    }
    assert!(checked >= 45, "only {checked} scannable cases");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_corpus_is_well_formed() {
    let manifest = manifest();
    let all = cases(&manifest);
    assert!(all.len() >= 45, "{} cases", all.len());
    let mut names = BTreeSet::new();
    for case in all {
        let name = text(case, "name");
        assert!(names.insert(name), "duplicate case {name}");
        assert!(
            matches!(text(case, "kind"), "object" | "cw_event" | "s3_event"),
            "{name}: kind"
        );
        assert!(!text(case, "note").is_empty(), "{name}: note");
        let expect = &case["expect"];
        assert!(
            expect.get("statuses").is_some() != expect.get("statuses_include").is_some(),
            "{name}: statuses or statuses_include"
        );
        for key in ["statuses", "statuses_include"] {
            let listed = strings(&expect[key]);
            let mut sorted = listed.clone();
            sorted.sort();
            assert_eq!(listed, sorted, "{name}: {key} must be sorted");
        }
        match case.get("file").and_then(Value::as_str) {
            Some(file) => {
                let size = std::fs::metadata(corpus_dir().join(file))
                    .unwrap_or_else(|e| panic!("{name}: {file}: {e}"))
                    .len();
                assert!(size < MAX_FILE_BYTES, "{name}: {file} is {size} bytes");
            }
            None => assert!(case["generate"]["parts"].is_array(), "{name}: recipe"),
        }
    }
    for (key, file) in manifest["objects"].as_object().unwrap() {
        let file = file.as_str().unwrap();
        assert!(corpus_dir().join(file).is_file(), "{key}: {file} missing");
    }
}

#[test]
fn generated_bomb_is_small_and_decodes_past_the_cap() {
    let manifest = manifest();
    let bomb = cases(&manifest)
        .iter()
        .find(|c| c["name"] == "gzip-bomb")
        .unwrap();
    let bytes = case_bytes(bomb);
    assert!(bytes.len() < 1 << 20, "a bomb is small: {}", bytes.len());
    let outcome = scan("gzip-bomb", &bytes).unwrap();
    let ReadOutcome::Unreadable(reason) = outcome.report.outcome else {
        panic!("the cap stops the bomb: {:?}", outcome.report.outcome);
    };
    assert!(reason.contains("cap"), "{reason}");
    assert!(
        outcome.report.counts.decoded_bytes <= CAP + (1 << 20),
        "decoding stopped near the cap: {}",
        outcome.report.counts.decoded_bytes
    );
}

#[test]
fn s3_trigger_events_are_recognised_without_panicking() {
    let manifest = manifest();
    let mut checked = 0;
    for case in cases(&manifest) {
        if text(case, "kind") != "s3_event" {
            continue;
        }
        checked += 1;
        let name = text(case, "name");
        let raw = std::fs::read_to_string(corpus_dir().join(text(case, "file"))).unwrap();
        let event: Value = serde_json::from_str(&raw.replace("BUCKET", "bad-inputs-bucket"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let parsed = catch_unwind(AssertUnwindSafe(|| parse_trigger(&event)))
            .unwrap_or_else(|_| panic!("{name}: parse_trigger panicked"));
        let unknown = case["trigger"] == "unknown";
        assert_eq!(parsed.is_err(), unknown, "{name}: {parsed:?}");
    }
    assert!(checked >= 10, "only {checked} trigger cases");
}
