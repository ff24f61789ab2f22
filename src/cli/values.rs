//! How the library's enums are spelled on the command line: clap stays in
//! the CLI layer, and `render`, `schemas` and `diagnostics` know nothing of it.

use crate::diagnostics::Format as FindingsFormat;
use crate::render::postmortem::DocFormat;
use crate::render::update::{Audience, Format as UpdateFormat};
use crate::schemas::FileKind;
use clap::ValueEnum;
use clap::builder::PossibleValue;

/// `impl ValueEnum` for a library enum: each variant, its word on the
/// command line and (optionally) the help `--help` shows for it.
macro_rules! value_enum {
    ($ty:ident { $($variant:ident => $word:literal $(: $help:literal)?,)* }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),*]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $($ty::$variant => PossibleValue::new($word)$(.help($help))?,)*
                })
            }
        }
    };
}

value_enum!(FileKind {
    Config => "config",
    Incident => "incident",
    Update => "update",
    Postmortem => "postmortem",
    Correction => "correction",
    Redaction => "redaction",
});

value_enum!(FindingsFormat {
    Human => "human",
    Json => "json",
    Github => "github",
});

value_enum!(Audience {
    Internal => "internal",
    External => "external",
});

value_enum!(UpdateFormat {
    Md => "md",
    Text => "text",
    Slack => "slack",
    Html => "html",
    Teams => "teams": "An Adaptive Card in the envelope a Teams workflow webhook takes",
    Discord => "discord": "Discord webhook JSON: one embed",
});

value_enum!(DocFormat {
    Md => "md",
    Html => "html",
});
