//! Arbitrary bytes as the postmortem file of a valid repository, through read,
//! parse, schema, rules and the diagnostic printers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    incidentkit_fuzz::check_file(incidentkit_fuzz::Target::Postmortem, data);
});
