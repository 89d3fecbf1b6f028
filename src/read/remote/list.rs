//! Finding objects: one object by its URL (HEAD), a prefix listed recursively (paginated by
//! the client) in sorted key order with hidden names (a segment starting with `.`) skipped, and
//! many objects at once for a list of URLs, with a bounded number of requests in flight.

use super::client::store_of;
use super::runtime::{Failed, block_on, retrying};
use super::settings::Settings;
use super::url::{ObjectUrl, Scheme};
use super::{RemoteError, explain};
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use std::sync::Arc;

/// An object found in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its URL.
    pub url: ObjectUrl,
    /// Its size in bytes.
    pub size: u64,
    /// Its ETag, when the store gives one.
    pub etag: Option<String>,
    /// Its last modification as the store lists it, nanoseconds since the Unix epoch.
    pub modified: Option<i128>,
}

impl Listed {
    fn from_meta(base: &ObjectUrl, meta: ObjectMeta) -> Listed {
        Listed {
            url: base.with_key(meta.location.as_ref()),
            size: meta.size,
            modified: meta.last_modified.timestamp_nanos_opt().map(i128::from),
            etag: meta.e_tag,
        }
    }
}

/// The client of `url`'s store; one that cannot be built is explained as a failed request.
fn client(url: &ObjectUrl) -> Result<Arc<dyn ObjectStore>, RemoteError> {
    let failed = |error| Failed { error, attempts: 1 };
    store_of(url).map_err(|e| explain(url, failed(e)))
}

/// The object `url` names, asked of the store (HEAD).
pub fn head(url: &ObjectUrl) -> Result<Listed, RemoteError> {
    block_on(head_async(url))
}

async fn head_async(url: &ObjectUrl) -> Result<Listed, RemoteError> {
    let store = client(url)?;
    let path = Path::from(url.key.as_str());
    let meta = retrying(|| store.head(&path)).await;
    meta.map(|meta| Listed {
        url: url.clone(),
        size: meta.size,
        modified: meta.last_modified.timestamp_nanos_opt().map(i128::from),
        etag: meta.e_tag,
    })
    .map_err(|failed| explain(url, failed))
}

/// The objects `urls` name, in the same order, asked of the store with a bounded number of
/// requests in flight.
pub fn head_all(urls: &[ObjectUrl]) -> Vec<Result<Listed, RemoteError>> {
    let requests = Settings::get().requests;
    block_on(
        futures_util::stream::iter(urls)
            .map(head_async)
            .buffered(requests)
            .collect(),
    )
}

/// What `url` names: the one object when its key is an object, otherwise every object under
/// the key as a folder (the whole bucket for an empty key), sorted by key, hidden names left
/// out. A key that is neither is [`RemoteError::NotFound`]; an HTTP URL is always one object.
pub fn list(url: &ObjectUrl) -> Result<Vec<Listed>, RemoteError> {
    if url.scheme == Scheme::Http {
        return Ok(vec![head(url)?]);
    }
    if !url.key.is_empty() {
        match head(url) {
            Ok(object) => return Ok(vec![object]),
            Err(RemoteError::NotFound { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let store = client(url)?;
    let prefix = (!url.key.is_empty()).then(|| Path::from(url.key.as_str()));
    let listed = block_on(retrying(|| {
        store.list(prefix.as_ref()).try_collect::<Vec<_>>()
    }))
    .map_err(|failed| explain(url, failed))?;
    let skip = prefix.as_ref().map_or(0, |p| p.parts().count());
    let mut found: Vec<Listed> = (listed.into_iter())
        .filter(|meta| {
            !meta
                .location
                .parts()
                .skip(skip)
                .any(|p| p.as_ref().starts_with('.'))
        })
        .map(|meta| Listed::from_meta(url, meta))
        .collect();
    found.sort_by(|a, b| a.url.key.cmp(&b.url.key));
    if found.is_empty() && !url.key.is_empty() {
        return Err(RemoteError::NotFound {
            url: url.to_string(),
        });
    }
    Ok(found)
}
