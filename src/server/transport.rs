//! JSON-RPC framing over stdin and stdout, on threads, into `lsp-server`'s channels.
//!
//! `lsp-server`'s own stdio reader stops at the first message that is not valid JSON-RPC; this
//! one answers it with a protocol error and reads on, and ends only when the client closes its
//! end of stdin.

use std::io::{BufRead, Write};
use std::thread::JoinHandle;

use lsp_server::{ErrorCode, Message};
use std::sync::mpsc::{Receiver, Sender};

pub struct Transport {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Transport {
    pub fn stdio() -> Transport {
        let (writer_sender, writer_receiver) = std::sync::mpsc::channel::<Message>();
        let writer = std::thread::spawn(move || {
            for message in writer_receiver {
                let mut stdout = std::io::stdout().lock();
                if message.write(&mut stdout).is_err() {
                    break;
                }
                let _ = stdout.flush();
            }
        });
        let (reader_sender, reader_receiver) = std::sync::mpsc::channel::<Message>();
        let reader = std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            while let Some(frame) = read_frame(&mut stdin) {
                match parse(&frame) {
                    Ok(message) => {
                        if reader_sender.send(message).is_err() {
                            break;
                        }
                    }
                    Err(response) => write_raw(&response),
                }
            }
        });
        Transport {
            sender: writer_sender,
            receiver: reader_receiver,
            reader,
            writer,
        }
    }

    /// Waits for the writer to send what is queued (the reader may be blocked on stdin: it is
    /// left to end with the process).
    pub fn join(self) {
        drop(self.sender);
        let _ = self.writer.join();
        drop(self.reader);
    }
}

/// The body of the next message; `None` at the end of stdin. Headers other than
/// `Content-Length` are skipped, and so is a header block without one.
fn read_frame(input: &mut impl BufRead) -> Option<Vec<u8>> {
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = String::new();
            if input.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let length = length?;
        // A length beyond any sane message is a broken header: read on from the next one.
        if length > 256 << 20 {
            continue;
        }
        let mut body = vec![0; length];
        input.read_exact(&mut body).ok()?;
        return Some(body);
    }
}

/// A message, or the error response to a body that is not one: JSON-RPC's, with the request's
/// id when it can be read and `null` when not (which `lsp-server`'s responses can not hold).
fn parse(body: &[u8]) -> Result<Message, serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        error(
            serde_json::Value::Null,
            ErrorCode::ParseError,
            e.to_string(),
        )
    })?;
    let id = value.get("id").cloned().unwrap_or_default();
    // A message with a `method` is a request or a notification, never a response.
    if value.get("method").is_some_and(|m| !m.is_string()) {
        let message = "`method` must be a string".to_string();
        return Err(error(id, ErrorCode::InvalidRequest, message));
    }
    serde_json::from_value::<Message>(value)
        .map_err(|e| error(id, ErrorCode::InvalidRequest, e.to_string()))
}

fn error(id: serde_json::Value, code: ErrorCode, message: String) -> serde_json::Value {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code as i32, "message": message},
    })
}

/// Writes a response the writer thread can not carry, whole, under the lock of stdout.
fn write_raw(response: &serde_json::Value) {
    let body = response.to_string();
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_and_broken_headers_skipped() {
        let input = b"Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\nContent-Length: 3\r\n\r\n[1]";
        let mut reader = std::io::BufReader::new(&input[..]);
        assert_eq!(read_frame(&mut reader).unwrap(), b"{}");
        assert_eq!(read_frame(&mut reader).unwrap(), b"[1]");
        assert_eq!(read_frame(&mut reader), None);
    }

    #[test]
    fn a_body_that_is_not_json_rpc_gets_an_error() {
        let response = parse(b"{not json").unwrap_err();
        assert_eq!(response["error"]["code"], ErrorCode::ParseError as i32);
        assert_eq!(response["id"], serde_json::Value::Null);
        let response = parse(br#"{"jsonrpc":"2.0","id":7,"method":5}"#).unwrap_err();
        assert_eq!(response["id"], 7);
        assert_eq!(response["error"]["code"], ErrorCode::InvalidRequest as i32);
        assert!(parse(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
    }
}
