//! Generates the prost types of `proto/chatads/v1/chatads.proto` (needs `protoc`:
//! Debian `protobuf-compiler`, or set `PROTOC`).

fn main() -> std::io::Result<()> {
    // Relative to this package: the target directory may be shared by several
    // checkouts, and an absolute path would watch another checkout's file.
    const PROTO: &str = "../proto/chatads/v1/chatads.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    println!("cargo:rerun-if-changed=build.rs");
    // The descriptor set feeds server reflection (grpcurl, Postman need no .proto).
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    prost_build::Config::new()
        .file_descriptor_set_path(out.join("chatads_v1_descriptor.bin"))
        .compile_protos(&[PROTO], &["../proto"])
}
