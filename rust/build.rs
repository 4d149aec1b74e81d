//! Generates the prost types of `proto/chatads/v1/chatads.proto` (needs `protoc`:
//! Debian `protobuf-compiler`, or set `PROTOC`).

fn main() -> std::io::Result<()> {
    let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../proto");
    let proto = proto_dir.join("chatads/v1/chatads.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    prost_build::Config::new().compile_protos(&[proto], &[proto_dir])
}
