package xray

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/receiver/xray/segment"
)

// MaxDocumentBytes is the size limit of one segment document (and of one
// daemon datagram) that X-Ray and its daemon enforce: 64 KiB.
const MaxDocumentBytes = segment.MaxDocumentBytes

// Config configures the X-Ray receiver.
type Config struct {
	// UDPAddr is the daemon-protocol listen address; empty disables UDP.
	// Default "127.0.0.1:2000", the daemon's default bind.
	UDPAddr string
	// MaxBatchSpans flushes a UDP batch to the sink once it holds this many
	// spans. Default 2,000.
	MaxBatchSpans int
	// MaxBatchDelay flushes a non-empty UDP batch this long after its first
	// span arrived. Default 50ms.
	MaxBatchDelay time.Duration
	// QueueDocuments bounds the UDP datagrams waiting to be parsed, and
	// again the parsed documents waiting for a batch. A datagram arriving
	// while the first queue is full is dropped and counted as "overloaded":
	// UDP has no way to ask the sender to slow down. Default 8,192.
	QueueDocuments int
	// MaxQueueBytes bounds the bytes of segment documents the receiver holds
	// (queued, batching or being submitted); beyond it datagrams are dropped
	// as "overloaded". Default 64 MiB.
	MaxQueueBytes int64
	// RetryBackoff is the first delay before a UDP batch is submitted again
	// after a retryable sink error; it doubles up to MaxRetryBackoff.
	// Defaults 10ms and 1s.
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration
	// SocketBufferBytes asks the kernel for this UDP receive buffer, which
	// absorbs bursts while the reader is busy (the kernel may grant less).
	// 0 keeps the system default. Default 4 MiB.
	SocketBufferBytes int
	// MaxRequestBytes bounds a PutTraceSegments request body. Default 16 MiB.
	MaxRequestBytes int64
	// RejectedRecordBurst and RejectedRecordsPerSecond bound the refused
	// documents kept as log records: that many at once, then that many a
	// second; the others are only counted. Defaults 100 and 1.
	RejectedRecordBurst      int
	RejectedRecordsPerSecond float64
	// UDPFromAnyone takes datagrams from every sender. Otherwise only
	// loopback senders are served: the daemon protocol carries no
	// credentials (lookout serve --insecure-allow-anyone sets it).
	UDPFromAnyone bool

	Registerer prometheus.Registerer // nil: metrics are kept but not registered
	Logger     *slog.Logger          // nil: slog.Default()
}

// DefaultConfig listens where the X-Ray daemon does and batches UDP
// segments into commits of up to 2,000 spans or 50 ms.
func DefaultConfig() Config {
	return Config{
		UDPAddr:           "127.0.0.1:2000",
		MaxBatchSpans:     2000,
		MaxBatchDelay:     50 * time.Millisecond,
		QueueDocuments:    8192,
		MaxQueueBytes:     64 << 20,
		RetryBackoff:      10 * time.Millisecond,
		MaxRetryBackoff:   time.Second,
		SocketBufferBytes: 4 << 20,
		MaxRequestBytes:   16 << 20,

		RejectedRecordBurst:      100,
		RejectedRecordsPerSecond: 1,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.UDPAddr != "" {
		if _, _, err := net.SplitHostPort(c.UDPAddr); err != nil {
			return fmt.Errorf("xray: UDPAddr %q: %w", c.UDPAddr, err)
		}
	}
	switch {
	case c.MaxBatchSpans <= 0:
		return errors.New("xray: MaxBatchSpans must be positive")
	case c.MaxBatchDelay <= 0:
		return errors.New("xray: MaxBatchDelay must be positive")
	case c.QueueDocuments <= 0:
		return errors.New("xray: QueueDocuments must be positive")
	case c.MaxQueueBytes < sourceLen+MaxDocumentBytes+1:
		return fmt.Errorf("xray: MaxQueueBytes must be at least %d (a datagram one byte over the limit, and its sender)", sourceLen+MaxDocumentBytes+1)
	case c.RetryBackoff <= 0 || c.MaxRetryBackoff < c.RetryBackoff:
		return errors.New("xray: RetryBackoff must be positive and at most MaxRetryBackoff")
	case c.SocketBufferBytes < 0:
		return errors.New("xray: SocketBufferBytes must not be negative")
	case c.MaxRequestBytes < MaxDocumentBytes:
		return fmt.Errorf("xray: MaxRequestBytes must be at least %d", MaxDocumentBytes)
	case c.RejectedRecordBurst < 0 || c.RejectedRecordsPerSecond < 0:
		return errors.New("xray: RejectedRecordBurst and RejectedRecordsPerSecond must not be negative")
	}
	return nil
}
