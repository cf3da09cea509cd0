//! One answer, two formats. GeoReport v2 defines XML and derives JSON from it by the Spark
//! convention (the root element dropped, repeated elements as arrays), so every handler builds
//! one [`Node`] tree and [`Format::render`] writes it as either: the two can never disagree.
//! XML is written with quick-xml's event writer, which escapes text and emits the declaration
//! the spec requires; characters XML 1.0 forbids are dropped from text on the way out, so a
//! control character stored before input refused them cannot break the document.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::kernel::text;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The format a client asked for by the resource's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: `application/json`.
    Json,
    /// `.xml`: `text/xml`, the spec's required format.
    Xml,
}

/// A value of an answer, shaped like the spec's XML.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number (coordinates).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// Nothing: JSON `null`, an empty XML element.
    Null,
    /// Named fields, in order: an element with children.
    Object(Vec<(&'static str, Node)>),
    /// Repeated elements named by the first value: a JSON array.
    List(&'static str, Vec<Node>),
}

impl Node {
    /// Text, or [`Node::Null`] for `None`.
    pub fn text(value: Option<&str>) -> Node {
        value.map_or(Node::Null, |v| Node::Text(v.to_owned()))
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Text(s) => Value::String(s.clone()),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
            Node::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, node)| ((*name).to_owned(), node.json()))
                    .collect(),
            ),
            Node::List(_, items) => Value::Array(items.iter().map(Node::json).collect()),
        }
    }

    fn xml(&self, name: &str, out: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        if let Node::List(item, items) = self {
            out.write_event(Event::Start(BytesStart::new(name)))?;
            for node in items {
                node.xml(item, out)?;
            }
            return out.write_event(Event::End(BytesEnd::new(name)));
        }
        out.write_event(Event::Start(BytesStart::new(name)))?;
        let text = match self {
            Node::Text(s) => Some(text::xml_safe(s).into_owned()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Null | Node::List(..) => None,
            Node::Object(fields) => {
                for (child, node) in fields {
                    node.xml(child, out)?;
                }
                None
            }
        };
        if let Some(text) = text {
            out.write_event(Event::Text(BytesText::new(&text)))?;
        }
        out.write_event(Event::End(BytesEnd::new(name)))
    }
}

impl Format {
    /// The format named by a resource's extension (`services.json` → JSON).
    pub fn of_extension(extension: &str) -> Option<Format> {
        match extension {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// The format of a request for `path` (`/open311/v2/requests.json`): its extension's, else
    /// XML, the spec's required format.
    pub fn of_path(path: &str) -> Format {
        path.rsplit_once('.')
            .and_then(|(_, ext)| Format::of_extension(ext))
            .unwrap_or(Format::Xml)
    }

    /// The MIME type, as the spec gives it.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }

    /// `body` as bytes, under the root element `root` in XML.
    pub fn bytes(self, root: &'static str, body: &Node) -> Vec<u8> {
        match self {
            Format::Json => serde_json::to_vec(&body.json()).unwrap_or_default(),
            Format::Xml => {
                let mut out = Writer::new(Vec::new());
                let written = out
                    .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
                    .and_then(|()| body.xml(root, &mut out));
                match written {
                    Ok(()) => out.into_inner(),
                    Err(e) => {
                        tracing::error!(%e, "writing Open311 XML into memory failed");
                        Vec::new()
                    }
                }
            }
        }
    }

    /// The response: `status`, the content type, and `body` rendered.
    pub fn render(self, status: StatusCode, root: &'static str, body: &Node) -> Response {
        (
            status,
            [(header::CONTENT_TYPE, self.content_type())],
            self.bytes(root, body),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::List(
            "service",
            vec![Node::Object(vec![
                ("service_code", Node::Text("road".into())),
                ("service_name", Node::Text("道路 <破损> & 坑".into())),
                (
                    "description",
                    Node::Text("a\u{0}b\u{1b}c\u{b}d\u{7f}".into()),
                ),
                ("metadata", Node::Bool(true)),
                ("keywords", Node::Null),
                ("lat", Node::Float(30.5)),
            ])],
        )
    }

    #[test]
    fn json_drops_the_root_and_makes_lists_arrays() {
        let json: serde_json::Value =
            serde_json::from_slice(&Format::Json.bytes("services", &sample())).unwrap();
        assert_eq!(json[0]["service_code"], "road");
        assert_eq!(json[0]["metadata"], true);
        assert!(json[0]["keywords"].is_null());
        assert_eq!(json[0]["lat"], 30.5);
    }

    #[test]
    fn xml_has_the_declaration_and_escapes_text() {
        let xml = String::from_utf8(Format::Xml.bytes("services", &sample())).unwrap();
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
        assert!(xml.contains(
            "<services><service><service_code>road</service_code>\
             <service_name>道路 &lt;破损&gt; &amp; 坑</service_name>"
        ));
        assert!(xml.contains("<description>abcd\u{7f}</description>"));
        assert!(xml.contains("<keywords></keywords><lat>30.5</lat></service></services>"));
    }
}
