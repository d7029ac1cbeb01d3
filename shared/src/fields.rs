//! The fields of a phone record: their JSON names and the limits that apply to them.

/// Largest id a JSON client can hold exactly (2^53 − 1, `Number.MAX_SAFE_INTEGER`).
pub const MAX_ID: i64 = 9_007_199_254_740_991;

/// A call longer than a day is a typing mistake, not a call.
pub const MAX_ACTUAL_HOURS: f64 = 24.0;

/// Longest accepted `callTimestamp` text (RFC 3339 with nanoseconds is 35).
pub const MAX_TIMESTAMP_CHARS: usize = 40;

/// Every field of `PhoneRecord`, the links flattened to their own names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    FromParticipantOther,
    ToParticipantOther,
    Direction,
    PhoneNumber,
    PhoneNumberType,
    ActualHours,
    Notes,
    CallTimestamp,
    Outcome,
    Action,
    FromParticipant,
    ToParticipant,
}

/// What kind of value a field holds, which decides how it is validated and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Id,
    Text(TextRule),
    Direction,
    Hours,
    Timestamp,
    LinkId,
}

/// Limits of a text field, counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    pub max_chars: usize,
    /// Line breaks and tabs allowed (notes); other control characters never are.
    pub multiline: bool,
    /// Must contain something other than white space.
    pub non_blank: bool,
}

const fn line(max_chars: usize) -> FieldKind {
    FieldKind::Text(TextRule {
        max_chars,
        multiline: false,
        non_blank: false,
    })
}

impl Field {
    pub const ALL: [Field; 13] = [
        Field::Id,
        Field::FromParticipantOther,
        Field::ToParticipantOther,
        Field::Direction,
        Field::PhoneNumber,
        Field::PhoneNumberType,
        Field::ActualHours,
        Field::Notes,
        Field::CallTimestamp,
        Field::Outcome,
        Field::Action,
        Field::FromParticipant,
        Field::ToParticipant,
    ];

    /// The name in JSON bodies and query parameters.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::FromParticipantOther => "fromParticipantOther",
            Field::ToParticipantOther => "toParticipantOther",
            Field::Direction => "direction",
            Field::PhoneNumber => "phoneNumber",
            Field::PhoneNumberType => "phoneNumberType",
            Field::ActualHours => "actualHours",
            Field::Notes => "notes",
            Field::CallTimestamp => "callTimestamp",
            Field::Outcome => "outcome",
            Field::Action => "action",
            Field::FromParticipant => "fromParticipant",
            Field::ToParticipant => "toParticipant",
        }
    }

    /// Where the field sits in a body: links live under `links`.
    pub fn path(self) -> String {
        if self.is_link() {
            format!("links.{}", self.name())
        } else {
            self.name().to_owned()
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub const fn is_link(self) -> bool {
        matches!(
            self,
            Field::Action | Field::FromParticipant | Field::ToParticipant
        )
    }

    /// The Actionstep resource a link names (`actions`, `participants`), for
    /// the envelope's link templates; `None` for fields that are not links.
    pub const fn linked_resource(self) -> Option<&'static str> {
        match self {
            Field::Action => Some("actions"),
            Field::FromParticipant | Field::ToParticipant => Some("participants"),
            _ => None,
        }
    }

    /// Required on create and impossible to clear on update.
    pub const fn is_required(self) -> bool {
        matches!(
            self,
            Field::Direction | Field::CallTimestamp | Field::Outcome
        )
    }

    /// Whether a record may lack this field (`:NULL` can match it).
    pub const fn is_nullable(self) -> bool {
        !self.is_required() && !matches!(self, Field::Id)
    }

    pub const fn kind(self) -> FieldKind {
        match self {
            Field::Id => FieldKind::Id,
            Field::FromParticipantOther | Field::ToParticipantOther => line(255),
            Field::PhoneNumber => line(50),
            Field::PhoneNumberType => line(50),
            Field::Outcome => FieldKind::Text(TextRule {
                max_chars: 255,
                multiline: false,
                non_blank: true,
            }),
            Field::Notes => FieldKind::Text(TextRule {
                max_chars: 10_000,
                multiline: true,
                non_blank: false,
            }),
            Field::Direction => FieldKind::Direction,
            Field::ActualHours => FieldKind::Hours,
            Field::CallTimestamp => FieldKind::Timestamp,
            Field::Action | Field::FromParticipant | Field::ToParticipant => FieldKind::LinkId,
        }
    }

    /// A person's label for the field (UI and messages).
    pub const fn label(self) -> &'static str {
        match self {
            Field::Id => "Id",
            Field::FromParticipantOther => "From (name)",
            Field::ToParticipantOther => "To (name)",
            Field::Direction => "Direction",
            Field::PhoneNumber => "Phone number",
            Field::PhoneNumberType => "Phone number type",
            Field::ActualHours => "Duration",
            Field::Notes => "Notes",
            Field::CallTimestamp => "Date and time",
            Field::Outcome => "Outcome",
            Field::Action => "Matter (action id)",
            Field::FromParticipant => "From participant id",
            Field::ToParticipant => "To participant id",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
        }
        let mut names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
        assert_eq!(
            Field::from_name("Outcome"),
            None,
            "names are case-sensitive"
        );
    }

    #[test]
    fn links_have_a_links_path() {
        assert_eq!(Field::Action.path(), "links.action");
        assert_eq!(Field::Notes.path(), "notes");
    }

    #[test]
    fn every_link_and_only_a_link_names_a_resource() {
        for f in Field::ALL {
            assert_eq!(f.linked_resource().is_some(), f.is_link(), "{f:?}");
        }
        assert_eq!(Field::ToParticipant.linked_resource(), Some("participants"));
    }
}
