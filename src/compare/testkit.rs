//! # Builders for comparison tests
//!
//! Folders and messages in the shapes the servers produce, so tests read like the mailbox
//! they describe. Messages can be built from raw header bytes to run the real envelope parser.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::mail::envelope::Envelope;
use crate::model::{FolderInfo, FolderMessages, MessageInfo, SpecialUse};

pub fn folder(name: &str, delimiter: char, special_use: Option<SpecialUse>) -> FolderInfo {
    FolderInfo {
        special_use,
        ..FolderInfo::named(name, Some(delimiter))
    }
}

/// A folder holding messages; uids are assigned 1.. in order and STATUS agrees.
pub fn holding(mut info: FolderInfo, messages: Vec<MessageInfo>) -> FolderMessages {
    let messages: Vec<MessageInfo> = messages
        .into_iter()
        .enumerate()
        .map(|(i, mut m)| {
            m.uid = u32::try_from(i + 1).unwrap_or(u32::MAX);
            m
        })
        .collect();
    info.messages = u32::try_from(messages.len()).unwrap_or(u32::MAX);
    info.size = messages.iter().map(|m| m.size).sum();
    FolderMessages {
        folder: info,
        messages,
    }
}

/// `=?UTF-8?B?…?=` for any text.
pub fn utf8_word(text: &str) -> String {
    format!("=?UTF-8?B?{}?=", STANDARD.encode(text.as_bytes()))
}

/// Header fields of one message before they are turned into bytes.
#[derive(Clone)]
pub struct Headers {
    pub message_id: Option<String>,
    pub date: String,
    pub from: String,
    pub to: String,
    /// The Subject field value exactly as written on the wire.
    pub subject_wire: String,
    pub size: u64,
}

impl Headers {
    pub fn raw(&self) -> Vec<u8> {
        let mut raw = String::new();
        if let Some(id) = &self.message_id {
            raw.push_str(&format!("Message-ID: <{id}>\r\n"));
        }
        raw.push_str(&format!(
            "Date: {}\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\n\r\n",
            self.date, self.from, self.to, self.subject_wire
        ));
        raw.into_bytes()
    }

    /// Parsed through the real envelope parser, as the IMAP layer will do.
    pub fn message(&self) -> MessageInfo {
        let mut info = MessageInfo {
            size: self.size,
            ..MessageInfo::default()
        };
        Envelope::parse(&self.raw()).apply_to(&mut info);
        info
    }
}

/// A plain message: Message-ID, day and hour in January 2024 (JST), subject.
pub fn simple(id: Option<&str>, day: u32, hour: u32, subject: &str) -> MessageInfo {
    Headers {
        message_id: id.map(str::to_string),
        date: format!("Wed, {day} Jan 2024 {hour:02}:00:00 +0900"),
        from: "山田 太郎 <taro@example.ac.jp>".into(),
        to: "hanako@example.ac.jp".into(),
        subject_wire: utf8_word(subject),
        size: 4_000,
    }
    .message()
}
