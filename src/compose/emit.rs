//! Model values to YAML text: the schema modeline on top, keys in the
//! model's order, multi-line text as block scalars (serde_yaml's style).

use crate::schemas::FileKind;
use serde::Serialize;

/// Where `incident init` puts the schemas, relative to the repository root.
pub const SCHEMA_DIR: &str = ".incidentkit/schemas";

/// The `yaml-language-server` modeline for a file at `path` (relative to the
/// repository root), so editors autocomplete and check it.
pub fn modeline(path: &str, kind: FileKind) -> String {
    let up = "../".repeat(path.matches('/').count());
    format!(
        "# yaml-language-server: $schema={up}{SCHEMA_DIR}/{}\n",
        kind.schema_file()
    )
}

/// `value` as YAML under the modeline for `path`.
pub(crate) fn to_yaml<T: Serialize>(
    path: &str,
    kind: FileKind,
    value: &T,
) -> Result<String, serde_yaml::Error> {
    Ok(modeline(path, kind) + &serde_yaml::to_string(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modeline_climbs_to_the_root() {
        assert_eq!(
            modeline("incidents/x/updates/t.yaml", FileKind::Update),
            "# yaml-language-server: $schema=../../../.incidentkit/schemas/update.schema.json\n"
        );
    }

    #[test]
    fn multi_line_text_is_a_block_scalar() {
        #[derive(Serialize)]
        struct M {
            message: String,
        }
        let yaml = serde_yaml::to_string(&M {
            message: "line one\nline two\n".into(),
        })
        .unwrap();
        assert_eq!(yaml, "message: |\n  line one\n  line two\n");
    }
}
