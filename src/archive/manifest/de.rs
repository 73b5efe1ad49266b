//! Reading a manifest with its message list handed out record by record (see
//! [`super::Manifest::stream_from_reader`]).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{ArchiveError, FolderRecord, Manifest, SourceKind};

pub(super) const FIELDS: &[&str] = &[
    "format",
    "tool",
    "tool_version",
    "server",
    "account",
    "source",
    "created",
    "updated",
    "folders",
    "messages",
];

pub(super) struct HeadVisitor<'a, M, F> {
    pub on_message: F,
    pub failed: &'a mut Option<ArchiveError>,
    pub _record: PhantomData<M>,
}

impl<'de, M, F> Visitor<'de> for HeadVisitor<'_, M, F>
where
    M: DeserializeOwned,
    F: FnMut(M) -> Result<(), ArchiveError>,
{
    type Value = Manifest;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ikou manifest object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Manifest, A::Error> {
        let mut format: Option<u32> = None;
        let mut tool: Option<String> = None;
        let mut tool_version: Option<String> = None;
        let mut server: Option<String> = None;
        let mut account: Option<String> = None;
        let mut source: Option<SourceKind> = None;
        let mut created: Option<String> = None;
        let mut updated: Option<String> = None;
        let mut folders: Option<Vec<FolderRecord>> = None;
        let mut messages = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => format = Some(map.next_value()?),
                "tool" => tool = Some(map.next_value()?),
                "tool_version" => tool_version = Some(map.next_value()?),
                "server" => server = Some(map.next_value()?),
                "account" => account = Some(map.next_value()?),
                "source" => source = Some(map.next_value()?),
                "created" => created = Some(map.next_value()?),
                "updated" => updated = Some(map.next_value()?),
                "folders" => folders = Some(map.next_value()?),
                "messages" => {
                    map.next_value_seed(MessagesSeed {
                        on_message: &mut self.on_message,
                        failed: &mut *self.failed,
                        _record: PhantomData,
                    })?;
                    messages = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !messages {
            return Err(de::Error::missing_field("messages"));
        }
        Ok(Manifest {
            format: format.ok_or_else(|| de::Error::missing_field("format"))?,
            tool: tool.ok_or_else(|| de::Error::missing_field("tool"))?,
            tool_version: tool_version.ok_or_else(|| de::Error::missing_field("tool_version"))?,
            server: server.ok_or_else(|| de::Error::missing_field("server"))?,
            account: account.ok_or_else(|| de::Error::missing_field("account"))?,
            source: source.ok_or_else(|| de::Error::missing_field("source"))?,
            created: created.ok_or_else(|| de::Error::missing_field("created"))?,
            updated: updated.ok_or_else(|| de::Error::missing_field("updated"))?,
            folders: folders.ok_or_else(|| de::Error::missing_field("folders"))?,
            messages: Vec::new(),
        })
    }
}

struct MessagesSeed<'a, 'b, M, F> {
    on_message: &'a mut F,
    failed: &'b mut Option<ArchiveError>,
    _record: PhantomData<M>,
}

impl<'de, M, F> de::DeserializeSeed<'de> for MessagesSeed<'_, '_, M, F>
where
    M: DeserializeOwned,
    F: FnMut(M) -> Result<(), ArchiveError>,
{
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, M, F> Visitor<'de> for MessagesSeed<'_, '_, M, F>
where
    M: DeserializeOwned,
    F: FnMut(M) -> Result<(), ArchiveError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of message records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(m) = seq.next_element::<M>()? {
            if let Err(e) = (self.on_message)(m) {
                *self.failed = Some(e);
                return Err(de::Error::custom("stopped by the reader"));
            }
        }
        Ok(())
    }
}
