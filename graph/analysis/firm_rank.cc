#include "graph/analysis/firm_rank.h"

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

absl::string_view CredentialLabel(v1::CredentialKind kind) {
  switch (kind) {
    case v1::CREDENTIAL_KIND_CHAIN_LEADER:
      return "chain leader 链主";
    case v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION:
      return "single-item champion 单项冠军";
    case v1::CREDENTIAL_KIND_LITTLE_GIANT:
      return "little giant 小巨人";
    case v1::CREDENTIAL_KIND_SPECIALIZED_SME:
      return "specialized SME 专精特新";
    case v1::CREDENTIAL_KIND_INNOVATIVE_SME:
      return "innovative SME 创新型中小企业";
    case v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE:
      return "high-tech enterprise 高新技术企业";
    case v1::CREDENTIAL_KIND_SMART_FACTORY:
      return "smart factory 智能工厂";
    default:
      return "";
  }
}

absl::string_view LevelLabel(v1::Level level) {
  switch (level) {
    case v1::LEVEL_NATIONAL:
      return "national ";
    case v1::LEVEL_PROVINCIAL:
      return "provincial ";
    case v1::LEVEL_MUNICIPAL:
      return "municipal ";
    default:
      return "";
  }
}

absl::string_view MaturityLabel(int maturity) {
  switch (maturity) {
    case v1::MATURITY_MASS:
      return "mass production 量产";
    case v1::MATURITY_PILOT:
      return "pilot 中试";
    case v1::MATURITY_RD:
      return "R&D 研发";
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
