//! Arbitrary models through every renderer: the site (pages, API, feeds),
//! each stakeholder update in every audience and format, the post-mortem and
//! the customer report. Beyond not panicking, JSON output must stay JSON.
#![no_main]

use incidentkit::render::postmortem::{DocFormat, Document};
use incidentkit::render::update::{Audience, Format};
use incidentkit::render::{self, postmortem, update};
use incidentkit::templates::Templates;
use std::sync::LazyLock;

static TEMPLATES: LazyLock<Templates> =
    LazyLock::new(|| Templates::load(None).expect("the built-in templates"));

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok((repo, now)) = incidentkit_fuzz::repository(&mut u) else {
        return;
    };
    let site = render::site(&repo, &TEMPLATES, now).expect("the site renders");
    for (path, bytes) in &site {
        if path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        }
    }
    for incident in &repo.incidents {
        for audience in [Audience::Internal, Audience::External] {
            let Some(picked) = update::pick(incident, audience, None) else {
                continue;
            };
            for format in [Format::Md, Format::Text, Format::Slack, Format::Html] {
                let out =
                    update::render(&repo.config, incident, picked, audience, format, &TEMPLATES)
                        .expect("the update renders");
                if format == Format::Slack {
                    serde_json::from_str::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("the Slack payload is not JSON: {e}"));
                }
            }
        }
        if incident.postmortem.is_some() {
            for document in [Document::Postmortem, Document::Report] {
                for format in [DocFormat::Md, DocFormat::Html] {
                    postmortem::render(&repo.config, incident, document, format, &TEMPLATES)
                        .expect("the document renders");
                }
            }
        }
    }
});
