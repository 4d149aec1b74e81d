"""Generated gRPC/protobuf modules of `chatads.v1` (see scripts/gen_proto.py)."""
