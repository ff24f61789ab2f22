//! Micro-benchmarks of the hot paths in a profile of `incident validate` on
//! 10,000 incidents (docs/performance.md): parsing YAML into a value (most of
//! the time), validating it against its schema, and the whole check of a
//! small repository.
//!
//! cargo bench --bench check

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use incidentkit::check;
use incidentkit::repo::{Files, yaml};
use incidentkit::schemas::FileKind;
use std::hint::black_box;
use std::path::Path;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
const INCIDENT: &str =
    include_str!("../examples/acme/incidents/2026-11-26-checkout-502s/incident.yaml");
const UPDATE: &str = include_str!(
    "../examples/acme/incidents/2026-11-26-checkout-502s/updates/2026-11-26T10-25-00Z.yaml"
);
const POSTMORTEM: &str =
    include_str!("../examples/acme/incidents/2026-11-26-checkout-502s/postmortem.yaml");

const FILES: [(&str, &str, FileKind); 3] = [
    ("incident", INCIDENT, FileKind::Incident),
    ("update", UPDATE, FileKind::Update),
    ("postmortem", POSTMORTEM, FileKind::Postmortem),
];

/// Our parser (duplicate keys rejected) next to plain serde_yaml, the floor.
fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, text, _) in FILES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("strict/{name}"), |b| {
            b.iter(|| yaml::parse(black_box(text)).unwrap())
        });
        group.bench_function(format!("serde_yaml/{name}"), |b| {
            b.iter(|| serde_yaml::from_str::<serde_json::Value>(black_box(text)).unwrap())
        });
    }
    group.finish();
}

fn schema(c: &mut Criterion) {
    let mut group = c.benchmark_group("schema");
    for (name, text, kind) in FILES {
        let value = yaml::parse(text).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let found = check::validate_schema(kind, black_box(&value), "f.yaml");
                assert!(found.is_empty(), "{found:?}");
            })
        });
    }
    group.finish();
}

fn whole_check(c: &mut Criterion) {
    let files = Files::on_disk(Path::new(EXAMPLE));
    c.bench_function("check/examples-acme", |b| {
        b.iter(|| {
            let outcome = check::check(black_box(&files)).unwrap();
            assert!(outcome.repository.is_some());
        })
    });
}

criterion_group!(benches, parse, schema, whole_check);
criterion_main!(benches);
