package kinerja.sdktest;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the structured CloudEvents of an NDJSON file as an agency would with the official
 * Java SDK: each line read with the SDK's JSON event format, then sent by the SDK's Kafka
 * serializer in BINARY (its default) or STRUCTURED mode, with an idempotent producer (acks=all)
 * and the employee's NIP as key (the partitionkey extension when an event has one, as the SDK's
 * partitioning interceptor does, else the subject).
 *
 * <p>Usage: Publish BROKERS TOPIC binary|structured FILE
 */
public final class Publish {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: Publish BROKERS TOPIC binary|structured FILE");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
    if (args[2].equals("structured")) {
      props.put(CloudEventSerializer.ENCODING_CONFIG, Encoding.STRUCTURED);
      props.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
    }  // else the serializer's default: Encoding.BINARY
    EventFormat json = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
    int sent = 0;
    try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(props)) {
      for (String line : Files.readAllLines(Path.of(args[3]), StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        CloudEvent event = json.deserialize(line.getBytes(StandardCharsets.UTF_8));
        Object partitionKey = event.getExtension("partitionkey");
        String key = partitionKey != null ? partitionKey.toString() : event.getSubject();
        producer.send(new ProducerRecord<>(args[1], key, event)).get();
        sent++;
      }
    }
    System.out.println("sent " + sent + " events in " + args[2] + " mode");
  }
}
