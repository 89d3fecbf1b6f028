//! One client per store (scheme and bucket), built once from that cloud's standard environment
//! and kept for the whole run. Where no credential variable is set, requests go unsigned
//! (anonymous access to public buckets) instead of asking a cloud's instance-metadata service;
//! `AWS_EC2_METADATA_DISABLED=false` turns the AWS instance-role lookup back on.

use super::settings::Settings;
use super::url::{ObjectUrl, Scheme};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::http::HttpBuilder;
use object_store::{BackoffConfig, ClientConfigKey, ClientOptions, ObjectStore, RetryConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The variables that make a store's requests signed, per scheme; the first is the one a
/// message about refused credentials names.
pub fn credential_variables(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::S3 => &[
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ],
        Scheme::Gcs => &[
            "GOOGLE_APPLICATION_CREDENTIALS",
            "GOOGLE_SERVICE_ACCOUNT",
            "GOOGLE_SERVICE_ACCOUNT_PATH",
            "GOOGLE_SERVICE_ACCOUNT_KEY",
        ],
        Scheme::Azure => &[
            "AZURE_STORAGE_ACCOUNT_KEY",
            "AZURE_STORAGE_SAS_KEY",
            "AZURE_STORAGE_TOKEN",
            "AZURE_CLIENT_ID",
            "AZURE_STORAGE_USE_EMULATOR",
        ],
        Scheme::Http => &[],
    }
}

/// The variables that say where a store is, per scheme (named in messages about a missing
/// bucket or an unreachable endpoint).
pub fn endpoint_variables(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::S3 => "AWS_ENDPOINT_URL and AWS_REGION",
        Scheme::Gcs => "GOOGLE_APPLICATION_CREDENTIALS",
        Scheme::Azure => "AZURE_STORAGE_ACCOUNT_NAME",
        Scheme::Http => "the URL",
    }
}

fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// The client of the store `url` lives in, built on first use.
pub fn store_of(url: &ObjectUrl) -> Result<Arc<dyn ObjectStore>, object_store::Error> {
    static STORES: Mutex<Option<HashMap<String, Arc<dyn ObjectStore>>>> = Mutex::new(None);
    let mut stores = STORES.lock().unwrap_or_else(|e| e.into_inner());
    let stores = stores.get_or_insert_with(HashMap::new);
    if let Some(store) = stores.get(&url.store()) {
        return Ok(Arc::clone(store));
    }
    let store = build(url)?;
    stores.insert(url.store(), Arc::clone(&store));
    Ok(store)
}

/// Retries are this module's own (see `runtime`): the client tries each request once.
fn no_retries() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig::default(),
        max_retries: 0,
        retry_timeout: std::time::Duration::from_secs(0),
    }
}

/// The timeouts as client configuration values.
fn timeouts() -> [(ClientConfigKey, String); 2] {
    let s = Settings::get();
    [
        (
            ClientConfigKey::Timeout,
            format!("{}ms", s.timeout.as_millis()),
        ),
        (
            ClientConfigKey::ConnectTimeout,
            format!("{}ms", s.connect_timeout.as_millis()),
        ),
    ]
}

fn build(url: &ObjectUrl) -> Result<Arc<dyn ObjectStore>, object_store::Error> {
    let signed = credential_variables(url.scheme).iter().any(|v| set(v));
    Ok(match url.scheme {
        Scheme::S3 => {
            let instance_role =
                std::env::var("AWS_EC2_METADATA_DISABLED").is_ok_and(|v| v == "false");
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(&url.bucket)
                .with_retry(no_retries())
                .with_skip_signature(!signed && !instance_role);
            if !set("AWS_REGION") && !set("AWS_DEFAULT_REGION") {
                builder = builder.with_region("us-east-1");
            }
            for (key, value) in timeouts() {
                builder = builder.with_config(AmazonS3ConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        Scheme::Gcs => {
            let mut builder = GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&url.bucket)
                .with_retry(no_retries())
                .with_skip_signature(!signed);
            for (key, value) in timeouts() {
                builder = builder.with_config(GoogleConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        Scheme::Azure => {
            let mut builder = MicrosoftAzureBuilder::from_env()
                .with_container_name(&url.bucket)
                .with_retry(no_retries())
                .with_skip_signature(!signed);
            for (key, value) in timeouts() {
                builder = builder.with_config(AzureConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        Scheme::Http => {
            let mut options = ClientOptions::new().with_allow_http(url.spelled == "http");
            for (key, value) in timeouts() {
                options = options.with_config(key, value);
            }
            let builder = HttpBuilder::new()
                .with_url(url.store())
                .with_retry(no_retries())
                .with_client_options(options);
            Arc::new(builder.build()?)
        }
    })
}
