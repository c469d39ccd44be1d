// Publishes the structured CloudEvents of an NDJSON file as an agency would with the official
// Go SDK (github.com/cloudevents/sdk-go/v2): each line read into an event.Event, written by the
// SDK's binding.Write in binary or structured mode into a Kafka message, and sent with
// confluent-kafka-go's idempotent producer (acks=all) and the Java client's murmur2 partitioner,
// the employee's NIP as key (the partitionkey extension when an event has one, else the
// subject).
//
// The SDK's Kafka modules (github.com/cloudevents/sdk-go/protocol/kafka_confluent/v2 and
// kafka_sarama/v2) are not served by the Go proxy this project can reach, so messageWriter
// below does what their message writers do.
//
// usage: go run . BROKERS TOPIC binary|structured FILE
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/binding/format"
	"github.com/cloudevents/sdk-go/v2/binding/spec"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// messageWriter writes a CloudEvent into a Kafka message as the CloudEvents Kafka binding
// says: ce_<attribute> headers and the data as value (binary), or the whole event as value
// with its content-type (structured).
type messageWriter struct{ m *kafka.Message }

func (w messageWriter) header(name, value string) {
	w.m.Headers = append(w.m.Headers, kafka.Header{Key: name, Value: []byte(value)})
}

func (w messageWriter) SetStructuredEvent(_ context.Context, f format.Format, r io.Reader) error {
	w.header("content-type", f.MediaType())
	return w.SetData(r)
}

func (w messageWriter) Start(context.Context) error { return nil }
func (w messageWriter) End(context.Context) error   { return nil }

func (w messageWriter) SetData(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	w.m.Value = b.Bytes()
	return nil
}

func (w messageWriter) SetAttribute(a spec.Attribute, value interface{}) error {
	s, err := types.Format(value)
	if err != nil {
		return err
	}
	if a.Kind() == spec.DataContentType {
		w.header("content-type", s)
	} else {
		w.header("ce_"+a.Name(), s)
	}
	return nil
}

func (w messageWriter) SetExtension(name string, value interface{}) error {
	s, err := types.Format(value)
	if err != nil {
		return err
	}
	w.header("ce_"+name, s)
	return nil
}

func main() {
	if len(os.Args) != 5 || (os.Args[3] != "binary" && os.Args[3] != "structured") {
		fmt.Fprintln(os.Stderr, "usage: publish BROKERS TOPIC binary|structured FILE")
		os.Exit(2)
	}
	brokers, topic, mode, path := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	producer, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers":  brokers,
		"enable.idempotence": true,
		"acks":               "all",
		"partitioner":        "murmur2_random", // the Java client's: one partition per NIP
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "producer:", err)
		os.Exit(1)
	}
	defer producer.Close()

	file, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer file.Close()
	ctx := binding.WithForceBinary(context.Background())
	if mode == "structured" {
		ctx = binding.WithForceStructured(context.Background())
	}
	sent := 0
	lines := bufio.NewScanner(file)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		if len(bytes.TrimSpace(lines.Bytes())) == 0 {
			continue
		}
		var e event.Event
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			fmt.Fprintln(os.Stderr, "reading an event:", err)
			os.Exit(1)
		}
		key := e.Subject()
		if pk, ok := e.Extensions()["partitionkey"]; ok {
			key = fmt.Sprint(pk)
		}
		m := &kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key:            []byte(key),
		}
		w := messageWriter{m}
		if _, err := binding.Write(ctx, binding.ToMessage(&e), w, w); err != nil {
			fmt.Fprintln(os.Stderr, "writing an event:", err)
			os.Exit(1)
		}
		delivered := make(chan kafka.Event, 1)
		if err := producer.Produce(m, delivered); err != nil {
			fmt.Fprintln(os.Stderr, "sending:", err)
			os.Exit(1)
		}
		if r := (<-delivered).(*kafka.Message); r.TopicPartition.Error != nil {
			fmt.Fprintln(os.Stderr, "not delivered:", r.TopicPartition.Error)
			os.Exit(1)
		}
		sent++
	}
	fmt.Printf("sent %d events in %s mode\n", sent, mode)
}
