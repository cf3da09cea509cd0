//! Where the maps get their background tiles, configurable per deployment: OpenStreetMap's
//! standard layer by default, 天地图 (the national platform, which needs a key) as an option, any
//! other `{z}/{x}/{y}` template, or none at all — the markers still show without tiles. Each
//! source says which datum it draws in, so markers are shifted onto it
//! ([`minxin_domain::kernel::geo::Datum`]), and which origins it loads from, so the Content-Security-
//! Policy can allow exactly those.

use minxin_domain::kernel::geo::Datum;

/// A configured tile source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileSource {
    /// URL templates drawn on top of each other (天地图's base map and its labels are two).
    pub layers: Vec<String>,
    /// Values of `{s}` in the templates.
    pub subdomains: String,
    /// The credit the provider requires under the map.
    pub attribution: String,
    /// The datum the tiles are drawn in.
    pub datum: Datum,
}

/// Why a tile configuration was refused; the message names the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileConfigError(pub String);

impl std::fmt::Display for TileConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// 天地图's WMTS in Web Mercator: `layer` is `vec` (the map) or `cva` (its Chinese labels).
fn tianditu(layer: &str, key: &str) -> String {
    format!(
        "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0\
         &LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles\
         &TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )
}

impl TileSource {
    /// OpenStreetMap's standard layer.
    pub fn openstreetmap() -> Self {
        TileSource {
            layers: vec!["https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png".into()],
            subdomains: "abc".into(),
            attribution: "© OpenStreetMap contributors".into(),
            datum: Datum::Wgs84,
        }
    }

    /// No tiles: the maps show markers on a blank ground (closed networks, tests).
    pub fn none() -> Self {
        TileSource {
            layers: Vec::new(),
            subdomains: String::new(),
            attribution: String::new(),
            datum: Datum::Wgs84,
        }
    }

    /// The source named by the configuration: `osm`, `tianditu` (with `key`), `none`, or an
    /// `https://` template with `{z}`, `{x}` and `{y}` (with its `attribution` and `datum`).
    pub fn configured(
        kind: &str,
        key: Option<&str>,
        attribution: Option<&str>,
        datum: Option<&str>,
    ) -> Result<Self, TileConfigError> {
        let datum = match datum.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Some(d.parse::<Datum>().map_err(|()| {
                TileConfigError(format!(
                    "`map_tiles_datum` must be wgs84, cgcs2000 or gcj02, got `{d}`"
                ))
            })?),
            None => None,
        };
        let mut source = match kind.trim() {
            "" | "osm" | "openstreetmap" => TileSource::openstreetmap(),
            "none" => TileSource::none(),
            "tianditu" => {
                let key = key
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| {
                        TileConfigError("`map_tiles = \"tianditu\"` needs `map_tiles_key`".into())
                    })?;
                if !key.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(TileConfigError(
                        "`map_tiles_key` must be letters and digits".into(),
                    ));
                }
                TileSource {
                    layers: vec![tianditu("vec", key), tianditu("cva", key)],
                    subdomains: "01234567".into(),
                    attribution: "© 天地图 (国家地理信息公共服务平台)".into(),
                    datum: Datum::Wgs84,
                }
            }
            template => {
                let ok = template.starts_with("https://")
                    && ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p))
                    && !template.contains(['"', '\'', ' ', '<', '>']);
                if !ok {
                    return Err(TileConfigError(format!(
                        "`map_tiles` must be osm, tianditu, none or an https:// template with \
                         {{z}}, {{x}} and {{y}}, got `{template}`"
                    )));
                }
                TileSource {
                    layers: vec![template.to_owned()],
                    subdomains: "abc".into(),
                    attribution: String::new(),
                    datum: Datum::Wgs84,
                }
            }
        };
        if let Some(text) = attribution.map(str::trim).filter(|a| !a.is_empty()) {
            text.clone_into(&mut source.attribution);
        }
        if let Some(datum) = datum {
            source.datum = datum;
        }
        Ok(source)
    }

    /// The layers as one attribute value (space-separated; templates hold no spaces).
    pub fn layers_attr(&self) -> String {
        self.layers.join(" ")
    }

    /// The datum as the map scripts name it.
    pub fn datum_code(&self) -> &'static str {
        match self.datum {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
        }
    }

    /// The origins the tiles are loaded from, with a `{s}` subdomain as a `*.` wildcard, for
    /// the policy's `img-src`.
    pub fn origins(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for layer in &self.layers {
            let rest = layer.strip_prefix("https://").unwrap_or(layer);
            let host = rest.split(['/', '?']).next().unwrap_or_default();
            let host = match host.find("{s}") {
                Some(_) => {
                    let after = host.split_once('.').map_or("", |(_, a)| a);
                    format!("*.{after}")
                }
                None => host.to_owned(),
            };
            let origin = format!("https://{host}");
            if !out.contains(&origin) {
                out.push(origin);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openstreetmap_is_the_default() {
        let osm = TileSource::configured("", None, None, None).unwrap();
        assert_eq!(osm, TileSource::openstreetmap());
        assert_eq!(osm.origins(), ["https://*.tile.openstreetmap.org"]);
        assert_eq!(osm.datum_code(), "wgs84");
    }

    #[test]
    fn tianditu_needs_a_key_and_has_two_layers() {
        let err = TileSource::configured("tianditu", None, None, None).unwrap_err();
        assert!(err.0.contains("map_tiles_key"));
        assert!(TileSource::configured("tianditu", Some("a\"b"), None, None).is_err());
        let t = TileSource::configured("tianditu", Some("abc123"), None, None).unwrap();
        assert_eq!(t.layers.len(), 2);
        assert!(t.layers.iter().all(|l| l.ends_with("&tk=abc123")));
        assert!(t.layers[1].contains("/cva_w/"));
        assert_eq!(t.origins(), ["https://*.tianditu.gov.cn"]);
        assert_eq!(t.datum, Datum::Wgs84);
    }

    #[test]
    fn a_template_keeps_its_datum_and_credit() {
        let t = TileSource::configured(
            "https://tiles.example.cn/{z}/{x}/{y}.png",
            None,
            Some("© Example"),
            Some("gcj02"),
        )
        .unwrap();
        assert_eq!(t.datum, Datum::Gcj02);
        assert_eq!(t.attribution, "© Example");
        assert_eq!(t.origins(), ["https://tiles.example.cn"]);
        assert_eq!(t.datum_code(), "gcj02");
    }

    #[test]
    fn bad_templates_and_datums_are_refused_by_name() {
        for bad in [
            "http://plain.example/{z}/{x}/{y}.png",
            "https://x.example/tiles.png",
            "https://x.example/{z}/{x}/{y}.png\" onload=",
        ] {
            let err = TileSource::configured(bad, None, None, None).unwrap_err();
            assert!(err.0.contains("map_tiles"), "{bad}");
        }
        let err = TileSource::configured("osm", None, None, Some("bd09")).unwrap_err();
        assert!(err.0.contains("map_tiles_datum"));
    }

    #[test]
    fn no_tiles_loads_nothing() {
        let none = TileSource::configured("none", None, None, None).unwrap();
        assert!(none.layers.is_empty());
        assert!(none.origins().is_empty());
        assert_eq!(none.layers_attr(), "");
    }
}
