package main

import "fmt"

// frame is one protobuf message as bytes: the generator never decodes what it
// sends or receives.
type frame struct{ b []byte }

// rawCodec passes frames through unchanged. It is named "proto" so that the
// content type stays application/grpc+proto, which every server accepts.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	f, ok := v.(*frame)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
	}
	return f.b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	f, ok := v.(*frame)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	// Only arrival matters; gRPC may reuse data after we return, so keep none of it.
	f.b = nil
	return nil
}

func (rawCodec) Name() string { return "proto" }
