//! What Huawei CSMS's operations share: the documented limits of tag text.
//! Each operation has a module of its own; their items are re-exported here
//! so existing paths resolve.

/// Most tag keys in one query.
pub const MAX_TAG_KEYS: usize = 20;
/// Longest tag key, in characters.
pub const MAX_TAG_KEY_CHARS: usize = 36;
/// Longest tag value, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 43;
/// Longest `matches` value (fuzzy secret name), in characters.
pub const MAX_MATCH_VALUE_CHARS: usize = 255;

pub use super::delete_secret_tag::{
    delete_secret_tag, parse_delete_secret_tag, DESCRIPTOR as DELETE_TAG,
};
pub use super::list_resource_instances::{
    list_resource_instances, next_offset, parse_list_resource_instances, validate_list_params,
    ListAction, ListResourceInstancesParams, Resource, ResourceInstances, ResourcePager,
    ResourceTag, Secret, TagFilter, TagMatch, DEFAULT_LIMIT, DESCRIPTOR as LIST, LIMIT_RANGE,
    MAX_PAGES,
};
