//! Fieldsets: `fields=id,notes`, the fields an answer keeps.

use crate::error::FieldError;
use crate::fields::Field;

use super::{duplicate, include_error, is_include};

/// The fields a response keeps; `id` always.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSet {
    fields: Vec<Field>,
}

impl FieldSet {
    pub fn includes(&self, field: Field) -> bool {
        field == Field::Id || self.fields.contains(&field)
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    pub fn new(fields: impl IntoIterator<Item = Field>) -> Self {
        let mut out: Vec<Field> = Vec::new();
        for f in fields {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        FieldSet { fields: out }
    }

    /// Parses `id,callTimestamp,notes`; `:default` is every field, `links` all three links.
    pub fn parse(param: &str, value: &str) -> Result<Option<FieldSet>, FieldError> {
        let mut fields = Vec::new();
        for name in value.split(',').map(str::trim) {
            match name {
                ":default" => return Ok(None),
                "links" => fields.extend(Field::ALL.into_iter().filter(|f| f.is_link())),
                _ => match Field::from_name(name) {
                    Some(f) => fields.push(f),
                    None => {
                        return Err(FieldError::new(
                            param,
                            "invalid_parameter",
                            format!(
                                "{name:?} is not a field; {param} takes a comma-separated list of: {}, links, or :default",
                                field_names()
                            ),
                        ));
                    }
                },
            }
        }
        Ok(Some(FieldSet::new(fields)))
    }

    /// The record as JSON with only this fieldset's fields (`links` only if a
    /// link is asked for, holding just those asked for).
    pub fn project(&self, record: &crate::PhoneRecord) -> serde_json::Value {
        let mut value = serde_json::to_value(record).unwrap_or_default();
        if let Some(obj) = value.as_object_mut() {
            obj.retain(|k, _| {
                k == "links" || Field::from_name(k).is_some_and(|f| self.includes(f))
            });
            let keep_links = Field::ALL.iter().any(|f| f.is_link() && self.includes(*f));
            match obj.get_mut("links").and_then(|l| l.as_object_mut()) {
                Some(links) if keep_links => {
                    links.retain(|k, _| Field::from_name(k).is_some_and(|f| self.includes(f)))
                }
                _ => {
                    obj.remove("links");
                }
            }
        }
        value
    }

    /// The fieldset as a query value.
    pub fn to_param(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(",")
    }
}

pub(crate) fn field_names() -> String {
    Field::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A fieldset may be asked for on single records too: `fields` is the only
/// parameter they take.
pub fn parse_record_query<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Result<Option<FieldSet>, Vec<FieldError>> {
    let mut fields = None;
    let mut errors = Vec::new();
    let mut seen = false;
    for (key, value) in pairs {
        let (key, value) = (key.as_ref(), value.as_ref());
        match key {
            "fields" | "fields[phonerecords]" if !seen => {
                seen = true;
                match FieldSet::parse(key, value) {
                    Ok(f) => fields = f,
                    Err(e) => errors.push(e),
                }
            }
            "fields" | "fields[phonerecords]" => errors.push(duplicate(key)),
            k if is_include(k) => errors.push(include_error(k)),
            _ => errors.push(FieldError::new(
                key,
                "unknown_parameter",
                format!("{key} is not a parameter of a single phone record; it takes fields"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}
