//! Huawei CSMS ListResourceInstances (served by the KMS host):
//! `POST /v1/{project_id}/csms/resource_instances/action`, plus a sans-IO
//! pager over it. Its descriptor, parameters and rules, builder and parser;
//! the tag limits it shares with the other CSMS operation are in [`super::csms`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::csms::{MAX_MATCH_VALUE_CHARS, MAX_TAG_KEYS, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS};
use crate::api::endpoints::{huawei_host, validate_project_id, HuaweiService};
use crate::api::input::{check_tag_text, invalid};
use crate::api::operation::{json_answer, Descriptor, Provider, Route};
use crate::api::provider_errors::{shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::wire;
use crate::error::{Error, ErrorKind, Result};

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei CSMS ListResourceInstances.
    pub const ListResourceInstances: Operation =
        Operation::new("ListResourceInstances", Service::HuaweiCsms, true);
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/admin/csms/list`: CSMS ListResourceInstances.
    pub const AdminCsmsList: Route = Route(&DESCRIPTOR);
}

/// ListResourceInstances, for the registry (an admin operation).
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "admin.csms.list",
    method: "listSecretResourceInstances",
    operation: Operation::ListResourceInstances,
    provider: Provider::Huawei(HuaweiService::Kms),
    target: None,
    scope: None,
    path: "/v1/admin/csms/list",
    flag: None,
    image_keys: &[],
    success: 200,
    build: |ctx, f| list_resource_instances(ctx.region, ctx.project_id, &f.deserialize()?),
    answer: |status, request_id, body| {
        json_answer(parse_list_resource_instances(status, request_id, body))
    },
    query_text: wire::query_text,
};

/// The page size range of `limit`.
pub const LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;
/// The page size the service uses when `limit` is not sent.
pub const DEFAULT_LIMIT: u32 = 10;

/// What ListResourceInstances returns: the matching secrets, or their count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListAction {
    /// A page of secrets (`limit`, `offset` apply).
    #[default]
    Filter,
    /// Only `total_count`.
    Count,
}

impl ListAction {
    fn as_str(self) -> &'static str {
        match self {
            ListAction::Filter => "filter",
            ListAction::Count => "count",
        }
    }
}

/// A tag condition: the secret has tag `key` with one of `values` (any
/// value when empty). Conditions on different keys are ANDed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TagFilter {
    /// Tag key: 1–36 characters, no control characters or `* < > \ =`.
    pub key: String,
    /// Accepted values, each at most 43 characters, no duplicates.
    pub values: Vec<String>,
}

/// A search field; only `resource_name` (fuzzy secret name) exists today.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TagMatch {
    /// Must be `resource_name`.
    pub key: String,
    /// The text to match, at most 255 characters; may be empty.
    pub value: String,
}

/// The parameters of ListResourceInstances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ListResourceInstancesParams {
    /// `filter` (default) or `count`.
    pub action: ListAction,
    /// Page size 1–1000 (service default 10); `filter` only, ignored for `count`.
    pub limit: Option<u32>,
    /// Records to skip (service default 0); `filter` only, ignored for `count`.
    pub offset: Option<u64>,
    /// Tag conditions, at most 20 keys, no duplicate keys.
    pub tags: Vec<TagFilter>,
    /// Search fields.
    pub matches: Vec<TagMatch>,
    /// A 36-byte request serial number, e.g. a UUID.
    pub sequence: Option<String>,
}

/// The JSON body; the service types `limit` and `offset` as strings.
#[derive(Serialize)]
struct ListBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<String>,
    action: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [TagFilter],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    matches: &'a [TagMatch],
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence: Option<&'a str>,
}

/// Checks every rule of the parameters, reporting the first broken one.
pub fn validate_list_params(p: &ListResourceInstancesParams) -> Result<()> {
    // For `count` the document says limit and offset "need not be set": they
    // are ignored (and not sent), not refused.
    if let Some(limit) = p.limit.filter(|_| p.action == ListAction::Filter) {
        if !LIMIT_RANGE.contains(&limit) {
            return Err(invalid(format!("limit must be 1-1000, not {limit}")));
        }
    }
    if p.tags.len() > MAX_TAG_KEYS {
        return Err(invalid(format!(
            "tags has {} keys, over the limit of {MAX_TAG_KEYS}",
            p.tags.len()
        )));
    }
    for (i, tag) in p.tags.iter().enumerate() {
        check_tag_text(&format!("tags[{i}].key"), &tag.key, MAX_TAG_KEY_CHARS, false)?;
        if p.tags.iter().take(i).any(|t| t.key == tag.key) {
            return Err(invalid(format!("tags[{i}].key {:?} repeats an earlier key", tag.key)));
        }
        for (j, v) in tag.values.iter().enumerate() {
            check_tag_text(&format!("tags[{i}].values[{j}]"), v, MAX_TAG_VALUE_CHARS, true)?;
            if tag.values.iter().take(j).any(|w| w == v) {
                return Err(invalid(format!(
                    "tags[{i}].values[{j}] {v:?} repeats an earlier value of the same key"
                )));
            }
        }
    }
    for (i, m) in p.matches.iter().enumerate() {
        if m.key != "resource_name" {
            return Err(invalid(format!(
                "matches[{i}].key must be \"resource_name\", not {:?}",
                m.key
            )));
        }
        if p.matches.iter().take(i).any(|n| n.key == m.key) {
            return Err(invalid(format!("matches[{i}] repeats the key {:?}", m.key)));
        }
        check_tag_text(&format!("matches[{i}].value"), &m.value, MAX_MATCH_VALUE_CHARS, true)?;
    }
    if let Some(seq) = &p.sequence {
        if seq.len() != 36 || !seq.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "sequence must be 36 printable ASCII bytes, like a UUID \
                 (919c82d4-8046-4722-9094-35c3c6524cff)",
            ));
        }
    }
    Ok(())
}

/// Builds ListResourceInstances:
/// `POST /v1/{project_id}/csms/resource_instances/action` on the KMS host.
pub fn list_resource_instances(
    region: Option<&str>,
    project_id: &str,
    params: &ListResourceInstancesParams,
) -> Result<PreparedRequest> {
    validate_project_id(project_id)?;
    let host = huawei_host(HuaweiService::Kms, region)?;
    validate_list_params(params)?;
    let paged = params.action == ListAction::Filter;
    let body = ListBody {
        limit: params.limit.filter(|_| paged).map(|n| n.to_string()),
        offset: params.offset.filter(|_| paged).map(|n| n.to_string()),
        action: params.action.as_str(),
        tags: &params.tags,
        matches: &params.matches,
        sequence: params.sequence.as_deref(),
    };
    let mut req = PreparedRequest::new(
        Operation::ListResourceInstances,
        "POST",
        host,
        &["v1", project_id, "csms", "resource_instances", "action"],
    )
    .header("Content-Type", "application/json");
    req.body = serde_json::to_vec(&body).unwrap_or_default();
    Ok(req)
}

/// A tag on a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct ResourceTag {
    /// Tag key.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub key: String,
    /// Tag value (may be empty).
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub value: String,
}

/// A secret as ListResourceInstances describes it. Times are as the service
/// sends them (documented as seconds since 1970).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Secret {
    /// Secret resource id.
    pub id: Option<String>,
    /// Secret name.
    pub name: Option<String>,
    /// `ENABLED`, `DISABLED`, `PENDING_DELETE` or `FROZEN`.
    pub state: Option<String>,
    /// The KMS key encrypting the secret's values.
    pub kms_key_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Creation time.
    pub create_time: Option<i64>,
    /// Last update time.
    pub update_time: Option<i64>,
    /// Scheduled deletion time; `None` when no deletion is scheduled.
    pub scheduled_delete_time: Option<i64>,
}

/// One matching resource.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Resource {
    /// Resource id.
    pub resource_id: Option<String>,
    /// Resource name (empty by default).
    pub resource_name: Option<String>,
    /// The secret.
    pub resource_detail: Option<Secret>,
    /// Its tags; empty when it has none.
    #[serde(default, deserialize_with = "crate::api::null_as_default")]
    pub tags: Vec<ResourceTag>,
}

/// A page of ListResourceInstances (or only the count, for `count`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct ResourceInstances {
    /// The resources on this page.
    #[serde(default, deserialize_with = "crate::api::null_as_default")]
    pub resources: Vec<Resource>,
    /// The number of matching resources in all pages.
    pub total_count: Option<u64>,
    /// The `X-Request-Id` of the answer.
    #[serde(skip_deserializing)]
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a ListResourceInstances answer (`request_id`: `X-Request-Id`).
pub fn parse_list_resource_instances(
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<ResourceInstances> {
    let raw = success_json(Operation::ListResourceInstances, status, request_id, body)?;
    let mut page: ResourceInstances = shape(&raw, status, request_id, "body")?;
    page.request_id = request_id.map(str::to_owned);
    page.raw = raw;
    Ok(page)
}

/// The offset of the page after `page`, or `None` at the end: an empty or
/// short page, `total_count` reached, or action `count`. The offset always
/// grows, so a loop driven by it ends even if the server misbehaves, as long
/// as `total_count` or short pages eventually stop it; [`ResourcePager`]
/// also catches a server that ignores the offset.
pub fn next_offset(params: &ListResourceInstancesParams, page: &ResourceInstances) -> Option<u64> {
    if params.action == ListAction::Count {
        return None;
    }
    let n = page.resources.len() as u64;
    if n == 0 {
        return None;
    }
    let next = params.offset.unwrap_or(0).checked_add(n)?;
    match page.total_count {
        Some(total) if next >= total => None,
        Some(_) => Some(next),
        None if n < u64::from(params.limit.unwrap_or(DEFAULT_LIMIT)) => None,
        None => Some(next),
    }
}

/// Drives ListResourceInstances page by page without doing I/O: send
/// [`ResourcePager::params`], feed the parsed page to
/// [`ResourcePager::advance`], repeat while it returns `true`.
#[derive(Clone, Debug)]
pub struct ResourcePager {
    params: ListResourceInstancesParams,
    done: bool,
    pages: u32,
    last_first_id: Option<String>,
}

/// The most pages a pager asks for (a million secrets at 1000 a page, far
/// beyond any account's limit) before it stops with an error.
pub const MAX_PAGES: u32 = 10_000;

impl ResourcePager {
    /// A pager starting at `params.offset`.
    pub fn new(params: ListResourceInstancesParams) -> Self {
        ResourcePager { params, done: false, pages: 0, last_first_id: None }
    }

    /// The parameters of the next request, or `None` when finished.
    pub fn params(&self) -> Option<&ListResourceInstancesParams> {
        (!self.done).then_some(&self.params)
    }

    /// Takes in the page answered for [`Self::params`]; `Ok(true)` when
    /// another page should be fetched. A server that answers the same page
    /// again for a new offset, or that never ends, gives a protocol error
    /// (`csms.pager_stuck`) instead of a loop.
    pub fn advance(&mut self, page: &ResourceInstances) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        self.pages = self.pages.saturating_add(1);
        let first = page.resources.first().and_then(|r| r.resource_id.clone());
        let repeated = first.is_some() && first == self.last_first_id;
        if repeated || self.pages > MAX_PAGES {
            self.done = true;
            return Err(Error::new(
                ErrorKind::Protocol,
                "csms.pager_stuck",
                format!(
                    "the service answered page {} at offset {} without moving on; stopped paging",
                    self.pages,
                    self.params.offset.unwrap_or(0)
                ),
            ));
        }
        self.last_first_id = first;
        match next_offset(&self.params, page) {
            Some(next) => {
                self.params.offset = Some(next);
                Ok(true)
            }
            None => {
                self.done = true;
                Ok(false)
            }
        }
    }
}
