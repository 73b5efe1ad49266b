//! Writing a manifest whose message list is streamed (see
//! [`super::Manifest::write_json_with`]).

use serde::Serialize;

use super::{Manifest, MessageRecord};

/// [`Manifest`] with its message list streamed; serialises exactly as the derived impl does.
pub(super) struct Streamed<'a, I> {
    pub(super) head: &'a Manifest,
    pub(super) messages: Messages<'a, I>,
}

pub(super) struct Messages<'a, I> {
    pub(super) head: &'a [MessageRecord],
    pub(super) extra_count: usize,
    pub(super) extra: std::cell::RefCell<I>,
}

impl<I> Serialize for Streamed<'_, I>
where
    I: Iterator<Item = std::io::Result<MessageRecord>>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.head;
        let mut st = s.serialize_struct("Manifest", 10)?;
        st.serialize_field("format", &m.format)?;
        st.serialize_field("tool", &m.tool)?;
        st.serialize_field("tool_version", &m.tool_version)?;
        st.serialize_field("server", &m.server)?;
        st.serialize_field("account", &m.account)?;
        st.serialize_field("source", &m.source)?;
        st.serialize_field("created", &m.created)?;
        st.serialize_field("updated", &m.updated)?;
        st.serialize_field("folders", &m.folders)?;
        st.serialize_field("messages", &self.messages)?;
        st.end()
    }
}

impl<I> Serialize for Messages<'_, I>
where
    I: Iterator<Item = std::io::Result<MessageRecord>>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.head.len() + self.extra_count))?;
        for m in self.head {
            seq.serialize_element(m)?;
        }
        let mut extra = self.extra.borrow_mut();
        let mut n = 0;
        for m in &mut *extra {
            seq.serialize_element(&m.map_err(S::Error::custom)?)?;
            n += 1;
        }
        if n != self.extra_count {
            return Err(S::Error::custom(format!(
                "{n} of {} added messages were journalled",
                self.extra_count
            )));
        }
        seq.end()
    }
}
