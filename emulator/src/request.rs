//! A request as the routes see it: fully read, with its id and arrival time.

use hyper::body::Bytes;
use ocr_edge::sign::canonical::last_header;
use ocr_edge::sign::ReceivedRequest;

/// One received request.
pub struct Request {
    /// Method, upper case.
    pub method: String,
    /// Path as received, still percent-encoded.
    pub path: String,
    /// Query as received, without `?`.
    pub query: String,
    /// Headers as received (names lower case; values lossily decoded).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// The id this request's answer carries.
    pub request_id: String,
    /// Arrival time, unix seconds.
    pub now: u64,
}

impl Request {
    /// The last value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        last_header(&self.headers, name)
    }

    /// The view the signature verifiers take.
    pub fn received(&self) -> ReceivedRequest<'_> {
        ReceivedRequest {
            method: &self.method,
            raw_path: &self.path,
            raw_query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }
}
