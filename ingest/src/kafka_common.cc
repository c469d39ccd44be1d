#include "kafka_common.h"

#include <chrono>

namespace kinerja::ingest::internal {
namespace {

// syslog levels, as librdkafka gives them.
log::Level FromSyslog(int level) {
  if (level <= 3) return log::Level::kError;
  if (level == 4) return log::Level::kWarn;
  if (level <= 6) return log::Level::kInfo;
  return log::Level::kDebug;
}

void LogCb(const rd_kafka_t* rk, int level, const char* facility, const char* line) {
  // One budget for all clients: librdkafka repeats a failing connection's line per broker and
  // per retry.
  static log::RateLimited site(20, std::chrono::seconds(60));
  std::string msg = rd_kafka_name(rk);
  msg.append(" ").append(facility ? facility : "").append(": ").append(line ? line : "");
  (void)site.Write(FromSyslog(level), "librdkafka", msg);
}

}  // namespace

Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, std::string_view what) {
  rd_kafka_conf_set_log_cb(conf, LogCb);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("Kafka " + std::string(what) + ": " + errstr);
  }
  return rk;
}

bool IsAuthenticationError(rd_kafka_resp_err_t code) {
  return code == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
         code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED;
}

bool IsAuthorizationError(rd_kafka_resp_err_t code) {
  return code == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
         code == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ||
         code == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

Status Refused(std::string_view client, rd_kafka_resp_err_t code, std::string_view reason) {
  std::string msg(IsAuthenticationError(code) ? "Kafka authentication failed ("
                                              : "Kafka authorization failed (");
  msg.append(client).append(": ").append(rd_kafka_err2name(code)).append("): ");
  msg.append(reason.empty() ? std::string_view(rd_kafka_err2str(code)) : reason);
  return Status::PermissionDenied(std::move(msg));
}

void RefusalLatch::OnClientError(KafkaErrorListener* errors, log::RateLimited& site,
                                 std::string_view client, rd_kafka_resp_err_t code,
                                 const char* reason) {
  const bool refused = IsAuthenticationError(code);
  ReportError(errors, site, client, code, reason ? reason : "",
              refused ? log::Level::kError : log::Level::kWarn);
  if (!refused) return;
  std::lock_guard lock(mu_);
  if (refused_.ok()) refused_ = Refused(client, code, reason ? reason : "");
}

Status RefusalLatch::status() const {
  std::lock_guard lock(mu_);
  return refused_;
}

void ReportError(KafkaErrorListener* errors, log::RateLimited& site, std::string_view client,
                 rd_kafka_resp_err_t code, std::string_view reason, log::Level level) {
  if (errors) errors->KafkaError(client, rd_kafka_err2name(code));
  std::string msg(client);
  msg.append(": ").append(rd_kafka_err2name(code)).append(": ");
  msg.append(reason.empty() ? std::string_view(rd_kafka_err2str(code)) : reason);
  (void)site.Write(level, "kafka", msg);
}

}  // namespace kinerja::ingest::internal
