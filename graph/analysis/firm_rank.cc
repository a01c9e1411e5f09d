#include "graph/analysis/firm_rank.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace chainkg::graph {

int CredentialRank(const CredentialFact& credential) {
  int kind = 0;
  switch (credential.kind) {
    case v1::CREDENTIAL_KIND_CHAIN_LEADER:
      kind = 7;
      break;
    case v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION:
      kind = 6;
      break;
    case v1::CREDENTIAL_KIND_LITTLE_GIANT:
      kind = 5;
      break;
    case v1::CREDENTIAL_KIND_SPECIALIZED_SME:
      kind = 4;
      break;
    case v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE:
      kind = 3;
      break;
    case v1::CREDENTIAL_KIND_INNOVATIVE_SME:
      kind = 2;
      break;
    case v1::CREDENTIAL_KIND_SMART_FACTORY:
      kind = 1;
      break;
    default:
      return 0;
  }
  int level = credential.level == v1::LEVEL_NATIONAL     ? 3
              : credential.level == v1::LEVEL_PROVINCIAL ? 2
              : credential.level == v1::LEVEL_MUNICIPAL  ? 1
                                                         : 0;
  return kind * 4 + level;
}

namespace {

absl::string_view KindLabel(v1::CredentialKind kind, Language language) {
  const bool zh = language == Language::kChinese;
  switch (kind) {
    case v1::CREDENTIAL_KIND_CHAIN_LEADER:
      return zh ? "链主" : "chain leader 链主";
    case v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION:
      return zh ? "单项冠军" : "single-item champion 单项冠军";
    case v1::CREDENTIAL_KIND_LITTLE_GIANT:
      return zh ? "专精特新小巨人" : "little giant 小巨人";
    case v1::CREDENTIAL_KIND_SPECIALIZED_SME:
      return zh ? "专精特新中小企业" : "specialized SME 专精特新";
    case v1::CREDENTIAL_KIND_INNOVATIVE_SME:
      return zh ? "创新型中小企业" : "innovative SME 创新型中小企业";
    case v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE:
      return zh ? "高新技术企业" : "high-tech enterprise 高新技术企业";
    case v1::CREDENTIAL_KIND_SMART_FACTORY:
      return zh ? "智能工厂" : "smart factory 智能工厂";
    default:
      return "";
  }
}

absl::string_view LevelLabel(v1::Level level, Language language) {
  const bool zh = language == Language::kChinese;
  switch (level) {
    case v1::LEVEL_NATIONAL:
      return zh ? "国家级" : "national ";
    case v1::LEVEL_PROVINCIAL:
      return zh ? "省级" : "provincial ";
    case v1::LEVEL_MUNICIPAL:
      return zh ? "市级" : "municipal ";
    default:
      return "";
  }
}

}  // namespace

std::string CredentialText(const CredentialFact& credential,
                           Language language) {
  absl::string_view kind = KindLabel(credential.kind, language);
  if (kind.empty()) return "";
  return absl::StrCat(LevelLabel(credential.level, language), kind);
}

absl::string_view MaturityLabel(int maturity, Language language) {
  const bool zh = language == Language::kChinese;
  switch (maturity) {
    case v1::MATURITY_MASS:
      return zh ? "量产" : "mass production 量产";
    case v1::MATURITY_PILOT:
      return zh ? "中试" : "pilot 中试";
    case v1::MATURITY_RD:
      return zh ? "研发" : "R&D 研发";
    default:
      return "";
  }
}

CredentialFact BestCredential(const View& view, ViewIndex firm,
                              DateNumber as_of) {
  CredentialFact best;
  for (const CredentialFact& credential : view.credentials(firm)) {
    if (InForce(credential, as_of) &&
        CredentialRank(credential) > CredentialRank(best)) {
      best = credential;
    }
  }
  return best;
}

}  // namespace chainkg::graph
