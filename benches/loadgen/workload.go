package main

import (
	"encoding/binary"
	"fmt"
	"os"
)

// The workload file is a sequence of records, each a uvarint length followed by
// that many bytes: protobuf's delimited format, the one ghz reads with
// --binary-file. In unary mode a record is one request message. In chat mode a
// record is one session: the concatenation of its turns (ChatTurn messages),
// each again uvarint length-prefixed.

func readRecords(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, err := splitRecords(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

func splitRecords(data []byte) ([][]byte, error) {
	var out [][]byte
	for off := 0; off < len(data); {
		n, k := binary.Uvarint(data[off:])
		if k <= 0 || uint64(len(data)-off-k) < n {
			return nil, fmt.Errorf("truncated record at byte %d", off)
		}
		off += k
		out = append(out, data[off:off+int(n)])
		off += int(n)
	}
	return out, nil
}

// shardOf keeps records k, k+n, k+2n, ...: each client process gets its own
// users and sessions.
func shardOf(recs [][]byte, k, n int) [][]byte {
	var out [][]byte
	for i := k; i < len(recs); i += n {
		out = append(out, recs[i])
	}
	return out
}
