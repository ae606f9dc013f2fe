//! The caller's parameters as every adapter hands them to an operation: the
//! image, if any, and the other values by name. The signing clients fill it
//! from a JS object, the worker from a JSON body or from query and form
//! text; each operation reads it once, with its rules, in its own module.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::api::input::ImageInput;
use crate::api::wire::flag;
use crate::error::{Error, Result};

/// Where the values came from. Type errors keep each adapter's codes: a JS
/// caller gets `argument.type` and `argument.unknown`, a JSON body
/// `argument.invalid`, query and form text `argument.unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A JS object given to a client method.
    Js,
    /// The worker's JSON body.
    Json,
    /// The worker's query and form fields: every value is text.
    Text,
}

/// The image a caller gave.
#[derive(Clone, PartialEq, Eq)]
pub enum Image<'a> {
    /// The file's bytes.
    Bytes(Cow<'a, [u8]>),
    /// Base64 text (or a data URL).
    Base64(Cow<'a, str>),
}

impl fmt::Debug for Image<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.input().fmt(f)
    }
}

impl Image<'_> {
    /// Borrows it as the builders' input.
    pub fn input(&self) -> ImageInput<'_> {
        match self {
            Image::Bytes(b) => ImageInput::Bytes(b),
            Image::Base64(s) => ImageInput::Base64(s),
        }
    }
}

/// The parameters of one call.
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    /// Where they came from.
    pub origin: Origin,
    /// The image, from one of the operation's image keys or the upload.
    pub image: Option<Image<'a>>,
    /// The other values, in the order given (text values for [`Origin::Text`]).
    pub values: Vec<(String, Value)>,
    /// Image bytes go to the builders as [`ImageInput::Unencoded`]: the
    /// caller writes their base64 into the body itself.
    pub encode_later: bool,
}

impl<'a> Fields<'a> {
    /// No parameters.
    pub fn new(origin: Origin) -> Fields<'a> {
        Fields { origin, image: None, values: Vec::new(), encode_later: false }
    }

    /// Query and form text, with the uploaded file if any.
    pub fn from_text(file: Option<&'a [u8]>, pairs: Vec<(String, String)>) -> Fields<'a> {
        Fields {
            origin: Origin::Text,
            image: file.map(|b| Image::Bytes(Cow::Borrowed(b))),
            values: pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
            encode_later: false,
        }
    }

    /// A JSON object body. Base64 under one of `image_keys` is borrowed, not
    /// copied; two of them at once is `argument.conflict`.
    pub fn from_json(body: &'a [u8], image_keys: &[&str]) -> Result<Fields<'a>> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let (images, values) =
            Top { image_keys }.deserialize(&mut de).map_err(|e| json_error(&e))?;
        de.end().map_err(|e| json_error(&e))?;
        let mut f = Fields { origin: Origin::Json, image: None, values, encode_later: false };
        f.set_image(images.into_iter().map(|(k, s)| (k, Image::Base64(s))).collect())?;
        Ok(f)
    }

    /// Sets the image from the `(key, image)` pairs found; more than one is a conflict.
    pub fn set_image(&mut self, mut found: Vec<(String, Image<'a>)>) -> Result<()> {
        if found.len() > 1 {
            return Err(Error::invalid_argument(
                "argument.conflict",
                format!("give {} or {}, not both", found[0].0, found[1].0),
            ));
        }
        self.image = found.pop().map(|(_, i)| i);
        Ok(())
    }

    /// The image as the builders take it.
    pub fn image(&self) -> Option<ImageInput<'_>> {
        match self.image.as_ref()? {
            Image::Bytes(b) if self.encode_later => Some(ImageInput::Unencoded(b)),
            image => Some(image.input()),
        }
    }

    /// A value of the wrong type, with the code of this origin.
    pub fn type_error(&self, key: &str, expected: &str) -> Error {
        let key: String = key.chars().take(40).collect();
        match self.origin {
            Origin::Js => {
                Error::invalid_argument("argument.type", format!("{key} must be {expected}"))
            }
            _ => Error::invalid_argument(
                "argument.invalid",
                format!("the JSON body is not valid: {key} must be {expected}"),
            ),
        }
    }

    /// Refuses any value not named in `known`.
    pub fn known(&self, known: &[&str]) -> Result<()> {
        let Some((k, _)) = self.values.iter().find(|(k, _)| !known.contains(&k.as_str())) else {
            return Ok(());
        };
        // Through the worker a long name is not echoed: an answer must not
        // confirm that a guess was one of the worker's secrets (20+ characters).
        let k = match self.origin {
            Origin::Js => k.chars().take(40).collect::<String>(),
            _ => echo_name(k),
        };
        Err(match self.origin {
            Origin::Json => Error::invalid_argument(
                "argument.invalid",
                format!(
                    "the JSON body is not valid: unknown field {k:?}, expected one of {known:?}"
                ),
            ),
            _ => Error::invalid_argument(
                "argument.unknown",
                format!("unknown parameter {k:?}; known: {}", known.join(", ")),
            ),
        })
    }

    /// The last value named `key`, `null` read as absent.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !v.is_null())
    }

    /// An optional string.
    pub fn text(&self, key: &str) -> Result<Option<&str>> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.type_error(key, "a string")),
        }
    }

    /// A required string (`argument.missing` when absent).
    pub fn required(&self, key: &str) -> Result<&str> {
        self.text(key)?.ok_or_else(|| {
            Error::invalid_argument("argument.missing", format!("{key} is required"))
        })
    }

    /// A boolean: `true`/`false` in JS and JSON, a flag (`1`, `true`,
    /// `yes`, empty) in text.
    pub fn flag(&self, key: &str) -> Result<bool> {
        match (self.origin, self.value(key)) {
            (_, None) => Ok(false),
            (Origin::Text, Some(Value::String(s))) => Ok(flag(s)),
            (_, Some(Value::Bool(b))) => Ok(*b),
            _ => Err(self.type_error(key, "true or false")),
        }
    }

    /// The values as one JSON object read into `T` (whose serde rules,
    /// `deny_unknown_fields` included, are the parameter rules).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T> {
        let map: Map<String, Value> = self.values.iter().cloned().collect();
        serde_json::from_value(Value::Object(map)).map_err(|e| {
            let m: String = e.to_string().chars().take(160).collect();
            let what =
                if self.origin == Origin::Js { "params" } else { "the JSON body is not valid" };
            Error::invalid_argument("argument.invalid", format!("{what}: {m}"))
        })
    }
}

/// A JSON syntax or shape error of the worker's body.
pub fn json_error(e: &serde_json::Error) -> Error {
    let m: String = e.to_string().chars().take(160).collect();
    Error::invalid_argument("argument.invalid", format!("the JSON body is not valid: {m}"))
}

/// Base64 text borrowed from the body when it holds no escapes.
#[derive(Deserialize)]
struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);

/// Reads the top-level object, keeping the image keys' text apart.
struct Top<'k> {
    image_keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = TopValue<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

type TopValue<'de> = (Vec<(String, Cow<'de, str>)>, Vec<(String, Value)>);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = TopValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of parameters")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut images: Vec<(String, Cow<'de, str>)> = Vec::new();
        let mut values: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if images.iter().any(|(k, _)| *k == key) || values.iter().any(|(k, _)| *k == key) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            if self.image_keys.contains(&key.as_str()) {
                if let Some(Borrowed(s)) = map.next_value::<Option<Borrowed<'de>>>()? {
                    images.push((key, s));
                }
            } else {
                let v: Value = map.next_value()?;
                values.push((key, v));
            }
        }
        Ok((images, values))
    }
}

/// A caller's parameter name as the worker may echo it: 16 characters at
/// most, longer ones as `"(a 40-character name)"`.
pub fn echo_name(name: &str) -> String {
    let n = name.chars().count();
    if n <= 16 {
        name.to_owned()
    } else {
        format!("(a {n}-character name)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_not_echoed() {
        assert_eq!(echo_name("imageUrl"), "imageUrl");
        assert_eq!(echo_name(&"A".repeat(20)), "(a 20-character name)");
    }
}
