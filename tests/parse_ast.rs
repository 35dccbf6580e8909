//! `lsmc parse --ast`: the tree as JSON, one object per file, with no key twice in an object
//! (a statement's own `kind` once collided with the tag of the item holding it).

use std::path::PathBuf;
use std::process::Command;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Any JSON value, refusing an object that has a key twice.
struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Check;
        impl<'de> Visitor<'de> for Check {
            type Value = NoDuplicateKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_i64<E>(self, _: i64) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_u64<E>(self, _: u64) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_f64<E>(self, _: f64) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_str<E>(self, _: &str) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_unit<E>(self) -> Result<NoDuplicateKeys, E> {
                Ok(NoDuplicateKeys)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NoDuplicateKeys, A::Error> {
                while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
                Ok(NoDuplicateKeys)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoDuplicateKeys, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(serde::de::Error::custom(format!("key `{key}` twice")));
                    }
                    map.next_value::<NoDuplicateKeys>()?;
                }
                Ok(NoDuplicateKeys)
            }
        }
        deserializer.deserialize_any(Check)
    }
}

fn parse_ast(files: &[&str]) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .arg("parse")
        .arg("--ast")
        .args(files.iter().map(|f| root.join(f)))
        .output()
        .expect("lsmc runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn ast_json_has_each_key_once() {
    let text = parse_ast(&["fixtures/parse/valid_everything.cf"]);
    serde_json::from_str::<NoDuplicateKeys>(&text).expect("no key twice in an object");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        json["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("valid_everything.cf")),
        "{}",
        json["file"]
    );
    let items = json["module"]["items"].as_array().expect("items");
    let statement = items
        .iter()
        .find(|i| i["kind"] == "Statement")
        .expect("the fixture has top-level statements");
    assert!(
        statement["statement"]["kind"]["kind"].is_string(),
        "a statement item holds the statement: {statement}"
    );
}

#[test]
fn ast_of_several_files_is_a_list() {
    let text = parse_ast(&[
        "fixtures/parse/valid_everything.cf",
        "fixtures/parse/valid_everything.cf",
    ]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(2));
}
