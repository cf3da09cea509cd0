//! Configuration: built-in defaults, then an optional `minxin.toml`, then `MINXIN_*`
//! environment variables, each overriding the one before. Errors name the offending key and
//! where it came from.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything that can be configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`MINXIN_LISTEN`).
    pub listen: String,
    /// Database URL, `postgres://…` or `sqlite://…` (`MINXIN_DATABASE_URL`); when empty an
    /// embedded SQLite file in the data directory is used.
    pub database_url: Option<String>,
    /// Where the SQLite file and attachments live (`MINXIN_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Where attachments and photos are kept (`MINXIN_BLOB_URL`): `s3://BUCKET/PREFIX` on an
    /// S3-compatible server (endpoint and credentials from the standard `AWS_*` variables),
    /// `file:///DIR`, or unset for `<data_dir>/blobs`.
    pub blob_url: Option<String>,
    /// Seed the demo district when the database is empty (`MINXIN_SEED_DEMO`).
    pub seed_demo: bool,
    /// Password of the demo accounts; random when unset (`MINXIN_DEMO_PASSWORD`).
    pub demo_password: Option<String>,
    /// Mark cookies Secure and send HSTS; set when served over HTTPS (`MINXIN_SECURE_COOKIES`).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy (`MINXIN_TRUST_FORWARDED_FOR`).
    pub trust_forwarded_for: bool,
    /// Largest request body in bytes (`MINXIN_BODY_LIMIT`).
    pub body_limit: usize,
    /// Log format: `text` or `json` (`MINXIN_LOG_FORMAT`).
    pub log_format: String,
    /// The address the public reaches this deployment at, e.g. `https://mx.example.gov.cn`
    /// (`MINXIN_PUBLIC_BASE_URL`): signboards' QR codes encode `{this}/p/{code}`, so it must be
    /// the address printed boards will be scanned against for years. Unset: derived from `listen`.
    pub public_base_url: Option<String>,
    /// The maps' tile source (`MINXIN_MAP_TILES`): `osm`, `tianditu` (needs `map_tiles_key`),
    /// `none`, or an `https://…/{z}/{x}/{y}…` template.
    pub map_tiles: String,
    /// The 天地图 key (`MINXIN_MAP_TILES_KEY`).
    pub map_tiles_key: Option<String>,
    /// The credit shown under the map, for a template source (`MINXIN_MAP_TILES_ATTRIBUTION`).
    pub map_tiles_attribution: Option<String>,
    /// The datum of a template source, `wgs84` or `gcj02` (`MINXIN_MAP_TILES_DATUM`).
    pub map_tiles_datum: Option<String>,
    /// Service requests one address may submit per hour, 0 for no limit
    /// (`MINXIN_INTAKE_PER_HOUR`).
    pub intake_per_hour: u32,
    /// The Open311 `jurisdiction_id` served (`MINXIN_OPEN311_JURISDICTION`); unset: the code of
    /// the root region. Calls naming another jurisdiction get 404.
    pub open311_jurisdiction: Option<String>,
    /// Service requests one Open311 API key may post per hour, 0 for no limit
    /// (`MINXIN_OPEN311_PER_HOUR`).
    pub open311_per_hour: u32,
    /// How far (metres) from a project a service request that no community boundary holds may
    /// be to be placed in that project's region instead of the dispatching office's queue
    /// (`MINXIN_NEAR_PROJECT_METRES`).
    pub near_project_metres: u32,
    /// Submissions whose photos are decoded at once, 0 for one per processor
    /// (`MINXIN_PHOTO_DECODES`); a submission finding none free within two seconds gets 503.
    pub photo_decodes: usize,
    /// Background jobs each instance runs at once (`MINXIN_JOB_CONCURRENCY`), at least 1.
    pub job_concurrency: usize,
    /// The key that seals second-factor secrets in the database, 64 hexadecimal digits
    /// (`MINXIN_TOTP_KEY`); takes precedence over `totp_key_file`.
    pub totp_key: Option<String>,
    /// The file holding that key (`MINXIN_TOTP_KEY_FILE`); unset: `totp.key` in the data
    /// directory. Created with a fresh key, mode 0600, when it does not exist.
    pub totp_key_file: Option<PathBuf>,
    /// The bearer token `/metrics` asks for, at least 16 characters (`MINXIN_METRICS_TOKEN`):
    /// when set, `/metrics` is served on `listen` to callers presenting it.
    pub metrics_token: Option<String>,
    /// A second address serving only `/metrics`, `/livez` and `/readyz`, for the operators'
    /// network (`MINXIN_METRICS_LISTEN`). With neither this nor `metrics_token`, metrics are off.
    pub metrics_listen: Option<String>,
}

/// The configuration keys read from `MINXIN_*` variables; other `MINXIN_*` variables (such as
/// `MINXIN_LOG` or the test suite's) belong to other parts and are not configuration errors.
const ENV_KEYS: [&str; 25] = [
    "listen",
    "database_url",
    "data_dir",
    "blob_url",
    "seed_demo",
    "demo_password",
    "secure_cookies",
    "trust_forwarded_for",
    "body_limit",
    "log_format",
    "public_base_url",
    "map_tiles",
    "map_tiles_key",
    "map_tiles_attribution",
    "map_tiles_datum",
    "intake_per_hour",
    "open311_jurisdiction",
    "open311_per_hour",
    "near_project_metres",
    "photo_decodes",
    "job_concurrency",
    "totp_key",
    "totp_key_file",
    "metrics_token",
    "metrics_listen",
];

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            data_dir: PathBuf::from("./minxin-data"),
            blob_url: None,
            seed_demo: true,
            demo_password: None,
            secure_cookies: false,
            trust_forwarded_for: false,
            body_limit: 1024 * 1024,
            log_format: "text".into(),
            public_base_url: None,
            map_tiles: "osm".into(),
            map_tiles_key: None,
            map_tiles_attribution: None,
            map_tiles_datum: None,
            intake_per_hour: 20,
            open311_jurisdiction: None,
            open311_per_hour: 1_000,
            near_project_metres: minxin_domain::requests::placement::DEFAULT_NEAR_PROJECT_METRES,
            photo_decodes: 0,
            job_concurrency: minxin_web::kernel::jobs::DEFAULT_CONCURRENCY,
            totp_key: None,
            totp_key_file: None,
            metrics_token: None,
            metrics_listen: None,
        }
    }
}

impl Config {
    /// Loads the configuration; `file` is read only if it exists, unless `required`.
    pub fn load(file: &Path, required: bool) -> anyhow::Result<Config> {
        if required && !file.exists() {
            anyhow::bail!("configuration file {} does not exist", file.display());
        }
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("MINXIN_").only(&ENV_KEYS))
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration error: {e}"))?;
        // An empty value (e.g. `MINXIN_DATABASE_URL=`) means "not set".
        config.database_url = config.database_url.filter(|url| !url.trim().is_empty());
        config.open311_jurisdiction = config
            .open311_jurisdiction
            .map(|j| j.trim().to_owned())
            .filter(|j| !j.is_empty());
        config.public_base_url = config
            .public_base_url
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty());
        let set =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        config.metrics_token = set(config.metrics_token);
        config.metrics_listen = set(config.metrics_listen);
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.listen.parse::<SocketAddr>().map_err(|_| {
            anyhow::anyhow!(
                "configuration error: `listen` must be an address such as 127.0.0.1:8080, got `{}`",
                self.listen
            )
        })?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
        {
            anyhow::bail!(
                "configuration error: `database_url` must start with postgres:// or sqlite:"
            );
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            anyhow::bail!("configuration error: `log_format` must be `text` or `json`");
        }
        if let Some(url) = &self.public_base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            anyhow::bail!(
                "configuration error: `public_base_url` must start with http:// or https://"
            );
        }
        self.tiles()?;
        self.blobs()?;
        if let Some(listen) = &self.metrics_listen
            && listen.parse::<SocketAddr>().is_err()
        {
            anyhow::bail!(
                "configuration error: `metrics_listen` must be an address such as 127.0.0.1:9090, \
                 got `{listen}`"
            );
        }
        if self.metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            anyhow::bail!("configuration error: `metrics_token` must be at least 16 characters");
        }
        if self.job_concurrency == 0 {
            anyhow::bail!("configuration error: `job_concurrency` must be at least 1");
        }
        if self.body_limit < 1024 {
            anyhow::bail!("configuration error: `body_limit` must be at least 1024 bytes");
        }
        Ok(())
    }

    /// The database URL in effect: the configured one, or the SQLite file in the data directory.
    pub fn effective_database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("minxin.db").display()))
    }

    /// Where attachments and photos are kept, as `blob_url` names it (checked, not opened).
    pub fn blobs(&self) -> anyhow::Result<minxin_storage::kernel::blobs::BlobUrl> {
        minxin_storage::kernel::blobs::BlobUrl::parse(self.blob_url.as_deref(), &self.data_dir)
            .map_err(|e| anyhow::anyhow!("configuration error: `blob_url`: {e}"))
    }

    /// The maps' tile source, as `map_tiles` and its companion keys name it.
    pub fn tiles(&self) -> anyhow::Result<minxin_web::kernel::tiles::TileSource> {
        minxin_web::kernel::tiles::TileSource::configured(
            &self.map_tiles,
            self.map_tiles_key.as_deref(),
            self.map_tiles_attribution.as_deref(),
            self.map_tiles_datum.as_deref(),
        )
        .map_err(|e| anyhow::anyhow!("configuration error: {e}"))
    }

    /// The public base URL in effect: the configured one, or `http://` and the listen address
    /// (with 127.0.0.1 for an unspecified address such as 0.0.0.0, which no browser can open).
    pub fn effective_public_base_url(&self) -> String {
        if let Some(url) = &self.public_base_url {
            return url.clone();
        }
        match self.listen.parse::<SocketAddr>() {
            Ok(addr) if addr.ip().is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
            Ok(addr) => format!("http://{addr}"),
            Err(_) => format!("http://{}", self.listen),
        }
    }

    /// The key sealing second-factor secrets: the configured one, or the key file's (created on
    /// first start). Kept out of the database so that a copy of the database alone reveals none.
    pub fn sealing_key(&self) -> anyhow::Result<minxin_storage::kernel::sealing::SealingKey> {
        use minxin_storage::kernel::sealing::SealingKey;
        if let Some(key) = self.totp_key.as_deref().filter(|k| !k.trim().is_empty()) {
            return SealingKey::parse(key)
                .map_err(|e| anyhow::anyhow!("configuration error: `totp_key`: {e}"));
        }
        let path = self
            .totp_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("totp.key"));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
        SealingKey::load_or_create(&path).map_err(|e| anyhow::anyhow!("`totp_key_file`: {e}"))
    }

    /// The URL with any password hidden, for logs.
    pub fn database_for_display(&self) -> String {
        let url = self.effective_database_url();
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let credentials = &url[scheme + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_can_come_from_the_environment() {
        let json = serde_json::to_value(Config::default()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut env = ENV_KEYS.to_vec();
        keys.sort_unstable();
        env.sort_unstable();
        assert_eq!(keys, env);
    }

    #[test]
    fn passwords_are_hidden() {
        let c = Config {
            database_url: Some("postgres://minxin:s3cret@db:5432/minxin".into()),
            ..Config::default()
        };
        assert_eq!(
            c.database_for_display(),
            "postgres://minxin:***@db:5432/minxin"
        );
        let local = Config::default();
        assert!(
            local
                .database_for_display()
                .ends_with("minxin-data/minxin.db")
        );
    }

    #[test]
    fn the_public_base_url_is_configured_or_derived() {
        assert_eq!(
            Config::default().effective_public_base_url(),
            "http://127.0.0.1:8080"
        );
        let everywhere = Config {
            listen: "0.0.0.0:9000".into(),
            ..Config::default()
        };
        assert_eq!(
            everywhere.effective_public_base_url(),
            "http://127.0.0.1:9000"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minxin.toml");
        std::fs::write(&file, "public_base_url = \"https://mx.example.gov.cn/\"\n").unwrap();
        let c = Config::load(&file, true).unwrap();
        assert_eq!(c.effective_public_base_url(), "https://mx.example.gov.cn");
        std::fs::write(&file, "public_base_url = \"mx.example.gov.cn\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("public_base_url"), "{err}");
    }

    #[test]
    fn the_open311_jurisdiction_is_configured_or_left_to_the_root_region() {
        assert_eq!(Config::default().open311_jurisdiction, None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minxin.toml");
        std::fs::write(&file, "open311_jurisdiction = \"  \"\n").unwrap();
        assert_eq!(
            Config::load(&file, true).unwrap().open311_jurisdiction,
            None
        );
        std::fs::write(
            &file,
            "open311_jurisdiction = \" mx.example.gov.cn \"\nopen311_per_hour = 50\n",
        )
        .unwrap();
        let c = Config::load(&file, true).unwrap();
        assert_eq!(c.open311_jurisdiction.as_deref(), Some("mx.example.gov.cn"));
        assert_eq!(c.open311_per_hour, 50);
    }

    #[test]
    fn metrics_are_off_until_a_token_or_an_address_is_set() {
        assert_eq!(Config::default().metrics_token, None);
        assert_eq!(Config::default().metrics_listen, None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minxin.toml");
        std::fs::write(&file, "metrics_token = \"short\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("metrics_token"), "{err}");
        std::fs::write(&file, "metrics_listen = \"everywhere\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("metrics_listen"), "{err}");
        std::fs::write(
            &file,
            "metrics_token = \"  \"\nmetrics_listen = \"127.0.0.1:9090\"\n",
        )
        .unwrap();
        let c = Config::load(&file, true).unwrap();
        assert_eq!(c.metrics_token, None);
        assert_eq!(c.metrics_listen.as_deref(), Some("127.0.0.1:9090"));
    }

    #[test]
    fn file_values_are_checked_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minxin.toml");
        std::fs::write(&file, "listen = \"nowhere\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("listen"), "{err}");
        std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("lisen"), "{err}");
        std::fs::write(&file, "body_limit = \"big\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("body_limit"), "{err}");
        std::fs::write(&file, "listen = \"127.0.0.1:9999\"\n").unwrap();
        assert_eq!(Config::load(&file, true).unwrap().listen, "127.0.0.1:9999");
        assert!(Config::load(&dir.path().join("absent.toml"), true).is_err());
    }

    #[test]
    fn the_blob_store_is_the_data_directory_or_a_named_bucket() {
        use minxin_storage::kernel::blobs::BlobUrl;
        assert_eq!(
            Config::default().blobs().unwrap(),
            BlobUrl::Directory(PathBuf::from("./minxin-data/blobs"))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minxin.toml");
        std::fs::write(&file, "blob_url = \"s3://minxin-files/prod\"\n").unwrap();
        assert_eq!(
            Config::load(&file, true).unwrap().blobs().unwrap(),
            BlobUrl::S3 {
                bucket: "minxin-files".into(),
                prefix: "prod".into()
            }
        );
        std::fs::write(&file, "blob_url = \"minio/bucket\"\n").unwrap();
        let err = Config::load(&file, true).unwrap_err().to_string();
        assert!(err.contains("`blob_url`"), "{err}");
    }
}
