package otlp

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"lookout/internal/model"
	"lookout/internal/otlpconv/otlptest"
)

// TestSDKExporters sends the otlptest workload with each official Go exporter
// and checks every recorded model value.
func TestSDKExporters(t *testing.T) {
	ctx := context.Background()
	traceExporters := []struct {
		name string
		new  func(r *Receiver) (sdktrace.SpanExporter, error)
	}{
		{"otlptracegrpc", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(r.GRPCAddr().String()), otlptracegrpc.WithInsecure())
		}},
		{"otlptracegrpc gzip", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(r.GRPCAddr().String()), otlptracegrpc.WithInsecure(),
				otlptracegrpc.WithCompressor("gzip"))
		}},
		{"otlptracehttp", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(r.HTTPAddr().String()), otlptracehttp.WithInsecure())
		}},
		{"otlptracehttp gzip", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(r.HTTPAddr().String()), otlptracehttp.WithInsecure(),
				otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		}},
	}
	for _, tt := range traceExporters {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, _ := startReceiver(t, nil)
			exp, err := tt.new(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := otlptest.EmitTraces(ctx, exp); err != nil {
				t.Fatalf("export: %v", err)
			}
			otlptest.CheckTraces(t, model.DefaultProject, sink.Spans())
		})
	}
	logExporters := []struct {
		name string
		new  func(r *Receiver) (sdklog.Exporter, error)
	}{
		{"otlploggrpc", func(r *Receiver) (sdklog.Exporter, error) {
			return otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(r.GRPCAddr().String()), otlploggrpc.WithInsecure())
		}},
		{"otlploggrpc gzip", func(r *Receiver) (sdklog.Exporter, error) {
			return otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(r.GRPCAddr().String()), otlploggrpc.WithInsecure(),
				otlploggrpc.WithCompressor("gzip"))
		}},
		{"otlploghttp", func(r *Receiver) (sdklog.Exporter, error) {
			return otlploghttp.New(ctx, otlploghttp.WithEndpoint(r.HTTPAddr().String()), otlploghttp.WithInsecure())
		}},
		{"otlploghttp gzip", func(r *Receiver) (sdklog.Exporter, error) {
			return otlploghttp.New(ctx, otlploghttp.WithEndpoint(r.HTTPAddr().String()), otlploghttp.WithInsecure(),
				otlploghttp.WithCompression(otlploghttp.GzipCompression))
		}},
	}
	for _, tt := range logExporters {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, _ := startReceiver(t, nil)
			exp, err := tt.new(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := otlptest.EmitLogs(ctx, exp); err != nil {
				t.Fatalf("export: %v", err)
			}
			otlptest.CheckLogs(t, model.DefaultProject, sink.Logs())
		})
	}
	metricExporters := []struct {
		name string
		new  func(r *Receiver) (sdkmetric.Exporter, error)
	}{
		{"otlpmetricgrpc", func(r *Receiver) (sdkmetric.Exporter, error) {
			return otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(r.GRPCAddr().String()), otlpmetricgrpc.WithInsecure())
		}},
		{"otlpmetricgrpc gzip", func(r *Receiver) (sdkmetric.Exporter, error) {
			return otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(r.GRPCAddr().String()), otlpmetricgrpc.WithInsecure(),
				otlpmetricgrpc.WithCompressor("gzip"))
		}},
		{"otlpmetrichttp", func(r *Receiver) (sdkmetric.Exporter, error) {
			return otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(r.HTTPAddr().String()), otlpmetrichttp.WithInsecure())
		}},
		{"otlpmetrichttp gzip", func(r *Receiver) (sdkmetric.Exporter, error) {
			return otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(r.HTTPAddr().String()), otlpmetrichttp.WithInsecure(),
				otlpmetrichttp.WithCompression(otlpmetrichttp.GzipCompression))
		}},
	}
	for _, tt := range metricExporters {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, _ := startReceiver(t, nil)
			exp, err := tt.new(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := otlptest.EmitMetrics(ctx, exp); err != nil {
				t.Fatalf("export: %v", err)
			}
			otlptest.CheckMetrics(t, model.DefaultProject, sink.Metrics())
		})
	}
}

// TestSDKExportersRetry checks that the official exporters retry after the
// receiver's retryable answer and that the data then arrives.
func TestSDKExportersRetry(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		new  func(r *Receiver) (sdktrace.SpanExporter, error)
	}{
		{"grpc", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(r.GRPCAddr().String()), otlptracegrpc.WithInsecure(),
				otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: true, InitialInterval: 5 * time.Millisecond,
					MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 10 * time.Second}))
		}},
		{"http", func(r *Receiver) (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(r.HTTPAddr().String()), otlptracehttp.WithInsecure(),
				otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: true, InitialInterval: 5 * time.Millisecond,
					MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 10 * time.Second}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, _ := startReceiver(t, nil)
			sink.FailWith(errRetry, errRetry)
			exp, err := tt.new(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := otlptest.EmitTraces(ctx, exp); err != nil {
				t.Fatalf("export: %v", err)
			}
			if n := sink.Calls(); n != 3 {
				t.Errorf("sink saw %d submissions, want 3 (two refused, one accepted)", n)
			}
			otlptest.CheckTraces(t, model.DefaultProject, sink.Spans())
		})
	}
}
