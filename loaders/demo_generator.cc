#include "loaders/demo_generator.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

#include "util/codes.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

// ---------------------------------------------------------------------------
// The built-in catalogue: chains and their products, industries, regions,
// named foreign firms, platforms, consortia and projects. None of it depends
// on the seed.
//
// A chain body is one line per product, in the form
//   key|name|kind|profile|industry|inputs|aliases
// kind: M material, C component, E equipment, P product, T technology,
//   S service; a trailing '*' marks a key core technology.
// profile: who makes it (see Profile): N normal, X missing in 441900,
//   W one uncredentialed local producer, B local producers but local buyers
//   buy from outside, K:CC foreign producers of country CC only.
// inputs: product keys (any chain) that are INPUT_TO this product; '?' marks
//   a non-essential input. aliases: ';'-separated.
// "#U segment", "#M segment", "#D segment" set the stage (upstream,
// midstream, downstream) and segment of the lines that follow; "@key" puts a
// product defined elsewhere into this chain as well.
// ---------------------------------------------------------------------------

struct ChainText {
  const char* key;
  const char* name;
  const char* category;
  int weight;  // share of firms whose main product is in this chain
  const char* body;
};

constexpr ChainText kChainTexts[] = {
    {"PAPER", "造纸及纸制品", "traditional", 6, R"(
#U 造纸原料
wood-chips|木片|M|N|C2012||
caustic-soda|烧碱|M|N|C2612||
wood-pulp|木浆|M|N|C2211|wood-chips,caustic-soda|商品浆
bamboo-pulp|竹浆|M|X|C2211|caustic-soda|
recovered-paper|废纸（回收纤维）|M|B|C4220||废纸;OCC
starch-modified|造纸用改性淀粉|M|N|C1391||
papermaking-chemicals|造纸化学品（施胶剂、助留剂）|M|W|C2662||
coating-pigment|涂布颜料（研磨碳酸钙）|M|N|C3099||
packaging-ink|包装印刷油墨|M|N|C2642||
paper-felt|造纸毛毯|C|X|C1789||
#U 造纸装备
paper-machine|造纸机|E|N|C3541||
corrugator|瓦楞纸板生产线|E|N|C3541||
#M 原纸
containerboard|箱板纸|P|N|C2221|wood-pulp,recovered-paper,starch-modified,papermaking-chemicals,paper-felt,?paper-machine|牛卡纸
corrugating-medium|瓦楞原纸|P|N|C2221|recovered-paper,starch-modified,?papermaking-chemicals,?paper-felt,?paper-machine|瓦楞芯纸
white-board|涂布白板纸|P|N|C2221|wood-pulp,recovered-paper,coating-pigment,?papermaking-chemicals,?paper-machine|灰底白板纸
coated-paper|铜版纸|P|N|C2221|wood-pulp,coating-pigment,papermaking-chemicals,?paper-machine|
cultural-paper|双胶纸|P|N|C2221|wood-pulp,papermaking-chemicals,?bamboo-pulp,?paper-machine|胶版印刷纸
household-paper|生活用纸原纸|P|N|C2221|wood-pulp,?bamboo-pulp,?paper-machine|
specialty-paper|食品级特种纸|P|N|C2223|wood-pulp,papermaking-chemicals,coating-pigment|
#D 纸制品与包装
corrugated-board|瓦楞纸板|P|N|C2231|containerboard,corrugating-medium,starch-modified,?corrugator|
corrugated-box|瓦楞纸箱|P|N|C2231|corrugated-board,packaging-ink|纸箱
folding-carton|彩印折叠纸盒|P|N|C2319|white-board,packaging-ink,?coated-paper|彩盒
paper-bag|纸袋|P|N|C2239|containerboard,?packaging-ink|
paper-cup|食品级纸杯|P|N|C2239|specialty-paper,?packaging-ink|
tissue-products|生活用纸制品|P|N|C2239|household-paper|
pulp-moulded-packaging|纸浆模塑包装|P|N|C2239|recovered-paper,?bamboo-pulp|纸托
honeycomb-paperboard|蜂窝纸板|P|N|C2239|corrugating-medium,starch-modified|
)"},
    {"TEXTILE", "纺织服装", "traditional", 10, R"(
#U 纤维原料
cotton|棉花|M|X|A0131||
pta|精对苯二甲酸（PTA）|M|X|C2614||PTA
polyester-fiber|涤纶短纤|M|N|C2822|pta|
nylon-fiber|锦纶长丝|M|N|C2821||尼龙丝
spandex|氨纶|M|W|C2826||莱卡
wool|羊毛条|M|N|C1721||
textile-dyes|纺织染料|M|N|C2645||
textile-auxiliaries|纺织助剂|M|N|C2661||
#U 纱线
cotton-yarn|棉纱|M|N|C1711|cotton|
blended-yarn|涤棉混纺纱|M|N|C1711|cotton,polyester-fiber|
wool-yarn|毛纱（毛织纱线）|M|B|C1721|wool,?nylon-fiber,?textile-dyes|毛织纱线
sewing-thread|缝纫线|M|N|C1711|polyester-fiber|
#M 面料与辅料
knitted-fabric|针织面料|M|N|C1761|cotton-yarn,textile-dyes,?spandex,?textile-auxiliaries|
woven-fabric|化纤梭织面料|M|N|C1751|blended-yarn,polyester-fiber,textile-dyes,?textile-auxiliaries|
denim|牛仔布|M|N|C1712|cotton-yarn,textile-dyes|
fabric-dyeing|面料印染加工|S|N|C1713|textile-dyes,textile-auxiliaries|
interlining|衬布|M|N|C1781|polyester-fiber|
labels-trims|商标织带|C|N|C1783|polyester-fiber|
zipper|尼龙拉链|C|N|C2929|nylon-fiber|
buttons|纽扣|C|N|C2929||
shoe-sole|橡胶鞋底|C|N|C2913||
#M 纺织服装装备
knitting-machine|电脑横机|E|N|C3551||
sewing-machine|工业缝纫机|E|N|C3553||
#D 服装鞋帽
sweater|毛衣|P|N|C1829|wool-yarn,?knitting-machine|毛织衫
womenswear|女装|P|N|C1819|woven-fabric,zipper,buttons,sewing-thread,?interlining,?fabric-dyeing,?sewing-machine|
menswear|男装|P|N|C1819|woven-fabric,buttons,interlining,sewing-thread,?sewing-machine|
jeans|牛仔服装|P|N|C1819|denim,zipper,buttons,sewing-thread,?sewing-machine|
sportswear|运动服装|P|N|C1821|knitted-fabric,spandex,sewing-thread,?labels-trims|
home-textiles|床上用品|P|N|C1771|woven-fabric,cotton-yarn,sewing-thread|家纺
shoes|运动鞋|P|N|C1951|knitted-fabric,shoe-sole,sewing-thread,?labels-trims|
)"},
    {"EIT", "新一代电子信息", "emerging", 30, R"(
#U 电子材料
polysilicon|电子级多晶硅|M|X|C2619||
silicon-wafer|硅片|M*|N|C3985|polysilicon|晶圆
photoresist|光刻胶|M*|K:JP|C3985||光阻
abf-substrate-film|ABF载板积层膜|M*|K:JP|C3985||ABF
electronic-gases|电子特气|M|N|C3985||
wet-chemicals|湿电子化学品|M|N|C3985||
sputtering-target|溅射靶材|M|N|C3985||靶材
copper|电解铜|M|X|C3211||阴极铜
copper-foil|电解铜箔|M|N|C3251|copper|
glass-fiber-cloth|电子级玻纤布|M|N|C3061||
epoxy-resin|电子级环氧树脂|M|N|C2651||
ccl|覆铜板|M|N|C3985|copper-foil,glass-fiber-cloth,epoxy-resin|CCL
pi-film|聚酰亚胺薄膜|M*|N|C2921||PI膜
solder|焊锡材料|M|N|C3240||锡膏
ceramic-powder|电子陶瓷粉体|M|W|C3985||MLCC瓷粉
rare-earth-magnet|钕铁硼永磁材料|M|X|C3240||磁钢
engineering-plastics|工程塑料（PC/ABS）|M|N|C2651||
optical-glass|光学玻璃|M|N|C3042||
polarizer|偏光片|M|N|C3985||
oled-materials|OLED发光材料|M*|N|C3985||
aluminium-alloy|铝合金型材|M|N|C3252||
#U 半导体装备与设计工具
lithography-machine|光刻机|E*|K:NL|C3562||
etching-equipment|刻蚀设备|E*|N|C3562||
deposition-equipment|薄膜沉积设备|E|N|C3562||
chip-design-eda|EDA设计软件|T*|K:US|I6513||EDA
#M 芯片
ic-substrate|IC封装载板|C*|W|C3982|abf-substrate-film,copper-foil|封装基板
chip-mcu|MCU芯片|C*|N|C3973|silicon-wafer,photoresist,electronic-gases,wet-chemicals,chip-design-eda,?lithography-machine,?etching-equipment,?deposition-equipment|单片机
chip-memory|存储芯片|C*|N|C3973|silicon-wafer,photoresist,electronic-gases,sputtering-target,ic-substrate,?lithography-machine,?etching-equipment|
chip-power-ic|电源管理芯片|C|N|C3973|silicon-wafer,photoresist,wet-chemicals,chip-design-eda|PMIC
chip-rf|射频芯片|C*|N|C3973|silicon-wafer,photoresist,chip-design-eda|
chip-soc|手机SoC芯片|C*|N|C3973|silicon-wafer,photoresist,chip-design-eda,ic-substrate,?lithography-machine|
chip-cis|CMOS图像传感器|C|N|C3973|silicon-wafer,photoresist|CIS
chip-driver-ic|显示驱动芯片|C|N|C3973|silicon-wafer,photoresist|DDIC
chip-cpu|CPU处理器|C*|K:US|C3973|silicon-wafer,photoresist,chip-design-eda,ic-substrate|
fpga|FPGA芯片|C*|N|C3973|silicon-wafer,photoresist,chip-design-eda|
mosfet|功率MOSFET|C|N|C3972|silicon-wafer|
mems-sensor|MEMS传感器|C|N|C3983|silicon-wafer|
led-chip|LED芯片|C|N|C3975|wet-chemicals|
laser-chip|光通信激光器芯片|C*|N|C3976|wet-chemicals|光芯片
#M 电子元件
mlcc|片式多层陶瓷电容器|C|N|C3981|ceramic-powder|MLCC;贴片电容
chip-resistor|片式电阻器|C|N|C3981||贴片电阻
inductor|电感器|C|N|C3981|?copper|
crystal-oscillator|石英晶体振荡器|C|N|C3989||晶振
connector|连接器|C|N|C3989|engineering-plastics,?copper|
pcb|印制电路板（多层板）|C|N|C3982|ccl,copper-foil,wet-chemicals|PCB;线路板
hdi-pcb|HDI板|C|N|C3982|ccl,copper-foil,wet-chemicals|高密度互连板
fpc|柔性电路板|C|N|C3982|pi-film,copper-foil|FPC;软板
speaker|微型扬声器|C|N|C3984|rare-earth-magnet|喇叭
microphone|MEMS麦克风|C|N|C3984|mems-sensor|
antenna|天线模组|C|N|C3989|fpc|
rf-module|射频前端模组|C|N|C3989|chip-rf,ic-substrate|
li-ion-cell-consumer|消费类锂离子电芯|C|N|C3841|cathode-lco,anode-graphite,separator,electrolyte,copper-foil|
#M 模组与部件
optical-lens|光学镜头|C|N|C4040|optical-glass|
cover-glass|盖板玻璃|C|N|C3042|optical-glass|
housing-metal|金属结构件（中框）|C|N|C3399|aluminium-alloy|
display-panel|LCD显示面板|C|N|C3974|optical-glass,polarizer,chip-driver-ic|
oled-panel|OLED显示面板|C*|N|C3974|optical-glass,oled-materials,chip-driver-ic,pi-film|
camera-module|摄像头模组|C|N|C3976|chip-cis,optical-lens,fpc|
battery-pack-phone|手机电池模组|C|N|C3841|li-ion-cell-consumer,chip-power-ic|
power-adapter|电源适配器|C|N|C3821|chip-power-ic,mosfet,inductor,mlcc,pcb|充电器
pcba|PCBA板卡组装|C|N|C3982|pcb,mlcc,chip-resistor,connector,solder,?crystal-oscillator,?smt-equipment|
motherboard|手机主板|C|N|C3982|hdi-pcb,chip-soc,chip-memory,chip-power-ic,mlcc,solder,?crystal-oscillator,?smt-equipment|
optical-module|光模块|C|N|C3976|laser-chip,pcb|
#U 电子专用设备
smt-equipment|SMT贴片设备|E|B|C3563||贴片机
x-ray-tube|微焦点X射线管|C*|N|C3971||
laser-source|光纤激光器|C|N|C3976||
galvanometer-scanner|激光振镜|C|N|C4040||
flat-panel-detector|X射线平板探测器|C|N|C3983||
industrial-camera|工业相机|C|N|C3983|chip-cis,optical-lens|
industrial-pc|工业控制计算机|E|N|C3914|pcba,?chip-cpu|工控机
pcb-inspection-equipment|PCB自动光学检测设备|E|N|C3569|industrial-camera,?industrial-pc|AOI
xray-inspection-equipment|X射线检测设备|E|N|C3569|x-ray-tube,flat-panel-detector,?industrial-pc|
laser-processing-equipment|PCB激光加工设备|E|N|C3569|laser-source,galvanometer-scanner,?industrial-pc|激光钻孔机
#D 终端整机
smartphone|智能手机|P|N|C3922|motherboard,oled-panel,camera-module,battery-pack-phone,speaker,microphone,antenna,rf-module,cover-glass,housing-metal,?display-panel|手机
tablet|平板电脑|P|N|C3911|motherboard,display-panel,battery-pack-phone,housing-metal,cover-glass|
laptop|笔记本电脑|P|N|C3911|pcba,chip-cpu,chip-memory,display-panel,battery-pack-phone,?power-adapter|
smartwatch|智能手表|P|N|C3961|chip-mcu,mems-sensor,oled-panel,li-ion-cell-consumer,fpc|
tws-earbuds|TWS蓝牙耳机|P|N|C3952|chip-rf,speaker,microphone,li-ion-cell-consumer,pcba|
smart-speaker|智能音箱|P|N|C3952|chip-soc,speaker,microphone,pcba,power-adapter|
router|路由器|P|N|C3921|pcba,chip-rf,antenna,power-adapter|
base-station|5G基站设备|P|N|C3921|rf-module,pcb,chip-rf,fpga,optical-module|
tv|智能电视|P|N|C3951|display-panel,pcba,speaker,power-adapter|
monitor|显示器|P|N|C3913|display-panel,pcba,power-adapter|
led-lighting|LED照明产品|P|N|C3872|led-chip,pcb,power-adapter|
)"},
    {"FURNITURE", "家具制造", "traditional", 9, R"(
#U 原辅材料
sawn-timber|锯材|M|N|C2011||
mdf|中密度纤维板|M|N|C2022|?wood-chips|密度板
particleboard|刨花板|M|W|C2023|wood-chips|
plywood|胶合板|M|N|C2021|sawn-timber|
wood-adhesive|无醛木材胶黏剂|M|N|C2669||
furniture-coating|家具涂料|M|N|C2641||木器漆
furniture-hardware|家具五金（铰链、滑轨）|C|B|C3351||
steel-sheet|冷轧钢板|M|X|C3130||
steel-wire|弹簧钢丝|M|N|C3130||
foam|聚氨酯海绵|M|N|C2924||
leather|家具皮革|M|N|C1910||
upholstery-fabric|家具面料|M|N|C1751|polyester-fiber|
pocket-spring|袋装弹簧|C|N|C3483|steel-wire|
woodworking-machinery|数控木工开料机|E|N|C3599||
#M 部件
panel-components|板式家具部件|C|N|C2110|mdf,particleboard,furniture-coating,wood-adhesive|
solid-wood-components|实木部件|C|N|C2110|sawn-timber,wood-adhesive,furniture-coating|
sofa-frame|沙发框架|C|N|C2110|plywood,sawn-timber|
metal-frame|金属家具框架|C|N|C2130|steel-sheet|
mattress-core|床垫芯|C|N|C2190|pocket-spring,foam|
#D 成品家具
panel-furniture|板式家具|P|N|C2110|panel-components,furniture-hardware,?woodworking-machinery|
solid-wood-furniture|实木家具|P|N|C2110|solid-wood-components,furniture-hardware,?woodworking-machinery|
upholstered-sofa|软体沙发|P|N|C2190|sofa-frame,foam,leather,?upholstery-fabric|
office-furniture|办公家具|P|N|C2130|metal-frame,panel-components,furniture-hardware|
mattress|床垫|P|N|C2190|mattress-core,upholstery-fabric|
smart-mattress|智能床垫|P|N|C2190|mattress-core,upholstery-fabric,mems-sensor,chip-mcu|
custom-cabinetry|全屋定制橱柜|P|N|C2110|panel-components,furniture-hardware|
)"},
    {"FOOD", "食品饮料", "traditional", 6, R"(
#U 农产品与配料
rice|稻谷|M|X|A0111||
soybean|大豆|M|X|A0121||
wheat-flour|小麦粉|M|N|C1312||面粉
pork|白条猪肉|M|B|C1351||
sugar|白砂糖|M|X|C1340||
coffee-beans|生咖啡豆|M|N|A0169||
milk-powder|乳粉|M|N|C1442||奶粉
edible-oil|食用植物油|M|N|C1331||
food-additives|食品添加剂|M|W|C1495||
flavourings|食用香精香料|M|N|C2684||
food-packaging-film|食品包装膜|M|N|C2921||
pet-bottle|PET瓶坯|C|N|C2926||
food-machinery|食品加工机械|E|N|C3531||
#M 加工
rice-processed|大米|M|N|C1311|rice|
soy-sauce|酱油|P|N|C1462|soybean,food-additives|
#D 食品饮料
rice-noodles|米粉|P|N|C1431|rice-processed,?food-machinery|
cured-sausage|腊肠|P|N|C1353|pork,sugar,?flavourings|东莞腊肠
candy|糖果|P|N|C1421|sugar,milk-powder,flavourings,food-additives,?food-packaging-film,?food-machinery|
mooncake|月饼|P|N|C1411|wheat-flour,sugar,edible-oil,?food-packaging-film|
bakery|面包糕点|P|N|C1411|wheat-flour,sugar,edible-oil,milk-powder|
instant-coffee|速溶咖啡|P|N|C1525|coffee-beans,milk-powder,sugar|
beverage|饮料|P|N|C1529|sugar,flavourings,pet-bottle,food-additives|
bottled-water|瓶装饮用水|P|N|C1522|pet-bottle|
prepared-meals|预制菜|P|N|C1432|pork,rice-processed,soy-sauce,edible-oil,food-packaging-film|
)"},
    {"NEV", "新能源汽车", "emerging", 8, R"(
#U 电池材料
lithium-carbonate|电池级碳酸锂|M|X|C2613||
nickel-sulfate|硫酸镍|M|X|C2613||
iron-phosphate|磷酸铁|M|N|C2613||
cathode-ncm|三元正极材料|M|N|C3985|lithium-carbonate,nickel-sulfate|NCM
cathode-lfp|磷酸铁锂正极材料|M|N|C3985|lithium-carbonate,iron-phosphate|LFP
cathode-lco|钴酸锂正极材料|M|N|C3985|lithium-carbonate|LCO
anode-graphite|人造石墨负极材料|M|N|C3091||
separator|锂电池隔膜|M|W|C2921||隔膜
lipf6|六氟磷酸锂|M|N|C2613||
electrolyte|锂电池电解液|M|N|C2669|lipf6|
@copper-foil
@rare-earth-magnet
silicon-steel|无取向硅钢|M|X|C3130||
sic-substrate|碳化硅衬底|M*|N|C3985||SiC衬底
#U 锂电装备
battery-equipment|锂电池卷绕设备|E|N|C3569||
#M 动力电池
li-ion-cell-power|动力电池电芯|C|N|C3841|cathode-lfp,anode-graphite,separator,electrolyte,copper-foil,?cathode-ncm,?battery-equipment|
bms|电池管理系统|C|N|C3824|chip-mcu,pcb,?chip-power-ic|BMS
thermal-management|热管理系统|C|N|C3670||
battery-pack|动力电池包|C|N|C3841|li-ion-cell-power,bms,?thermal-management|PACK
#M 电驱电控
drive-motor|驱动电机|C|N|C3812|rare-earth-magnet,silicon-steel,copper|
igbt-module|车规级IGBT模块|C*|N|C3972|silicon-wafer|IGBT
sic-mosfet|碳化硅功率器件|C*|N|C3972|sic-substrate|
motor-controller|电机控制器|C|N|C3824|igbt-module,chip-mcu,pcb,?sic-mosfet|
obc|车载充电机|C|N|C3824|pcb,mosfet,inductor|OBC
wiring-harness|高压线束|C|B|C3831|copper,connector|
@chip-mcu
@connector
#M 智能网联
adas-soc|智能驾驶SoC芯片|C*|K:US|C3973|silicon-wafer,photoresist|
lidar|激光雷达|C|N|C3962|laser-chip,chip-cis,?fpga|
adas-domain|智能驾驶域控制器|C|N|C3962|adas-soc,pcb,camera-module,?lidar|
infotainment|智能座舱域控制器|C|N|C3962|chip-soc,display-panel,pcba|
body-in-white|车身结构件|C|N|C3660|steel-sheet,aluminium-alloy|
#D 整车与充电
nev-passenger|新能源乘用车|P|N|C3612|battery-pack,drive-motor,motor-controller,body-in-white,wiring-harness,thermal-management,infotainment,obc,?adas-domain|
nev-commercial|新能源商用车|P|X|C3612|battery-pack,drive-motor,motor-controller,body-in-white,wiring-harness|
charger|充电桩|P|N|C3824|igbt-module,pcb,connector,?chip-mcu|
)"},
    {"STORAGE", "新型储能", "future", 7, R"(
#U 储能材料
@lithium-carbonate
@cathode-lfp
@separator
@electrolyte
sodium-cathode|钠离子电池正极材料|M*|X|C3985||
hard-carbon|硬碳负极材料|M|N|C3091||
ion-exchange-membrane|全氟磺酸离子交换膜|M*|K:US|C2929||
#M 电芯与电堆
li-ion-cell-storage|储能电芯|C|N|C3841|cathode-lfp,anode-graphite,separator,electrolyte,copper-foil|280Ah电芯
sodium-cell|钠离子电芯|C*|W|C3849|sodium-cathode,hard-carbon,separator,electrolyte|
flow-battery-stack|全钒液流电池电堆|C*|N|C3849|ion-exchange-membrane|
bms-storage|储能电池管理系统|C|N|C3824|chip-mcu,pcb|
storage-battery-cluster|储能电池簇|C|N|C3841|li-ion-cell-storage,bms-storage|
#M 变流与集成部件
@igbt-module
pcs|储能变流器|E|B|C3824|igbt-module,chip-mcu,pcb,inductor|PCS
hybrid-inverter|光储混合逆变器|E|N|C3825|igbt-module,mosfet,chip-mcu|
transformer|升压变压器|E|N|C3821|silicon-steel,copper|
ems-storage|储能能量管理系统|T|N|I6513||EMS
storage-container|储能集装箱|C|N|C3331|steel-sheet|
thermal-liquid-cooling|储能液冷温控系统|C|N|C3464|aluminium-alloy|
fire-suppression|储能消防系统|C|N|C3599||
#D 储能系统与应用
storage-system|电网侧储能系统|P|N|C3849|storage-battery-cluster,pcs,ems-storage,storage-container,thermal-liquid-cooling,fire-suppression,?transformer|
home-storage|户用储能系统|P|N|C3841|li-ion-cell-storage,bms-storage,hybrid-inverter|
portable-power|便携式储能电源|P|N|C3841|li-ion-cell-storage,bms-storage,pcba,inductor|户外电源
)"},
    {"ROBOT", "智能机器人", "emerging", 9, R"(
#U 核心零部件
@rare-earth-magnet
rv-reducer|RV减速器|C*|K:JP|C3453||
harmonic-reducer|谐波减速器|C*|N|C3453|steel-wire|
planetary-roller-screw|行星滚柱丝杠|C*|K:DE|C3484||
encoder|伺服编码器|C|W|C3983|chip-mcu|
servo-motor|伺服电机|C|N|C3813|rare-earth-magnet,copper,encoder|
servo-drive|伺服驱动器|C|N|C4011|mosfet,chip-mcu,pcb|
robot-os|机器人运动控制软件|T|N|I6513||
robot-controller|机器人控制器|C|N|C4011|chip-mcu,pcba,?robot-os|
linear-guide|直线导轨|C|B|C3484|steel-sheet|
ball-screw|滚珠丝杠|C|X|C3484|steel-sheet|
bearing|精密轴承|C|N|C3451|steel-wire|
pneumatic-components|气动元件|C|N|C3446||
hydraulic-components|液压元件|C|N|C3444||
vision-sensor|工业3D视觉传感器|C|N|C3983|chip-cis,optical-lens,?fpga|3D相机
force-sensor|六维力传感器|C*|N|C3983|mems-sensor,chip-mcu|
plc|可编程逻辑控制器|C|N|C4011|chip-mcu,pcba|PLC
cnc-system|数控系统|C*|N|C4011|chip-mcu,pcba,servo-drive|
casting|机床与机器人铸件|C|N|C3391|?steel-sheet|
@industrial-pc
#M 本体与整机
industrial-robot|工业机器人|P|N|C3491|rv-reducer,harmonic-reducer,servo-motor,servo-drive,robot-controller,bearing,casting,?vision-sensor|多关节机器人
scara-robot|SCARA机器人|P|N|C3491|harmonic-reducer,servo-motor,servo-drive,robot-controller,ball-screw|
collaborative-robot|协作机器人|P|N|C3491|harmonic-reducer,servo-motor,force-sensor,robot-controller,encoder|
mobile-robot|移动机器人（AGV/AMR）|P|N|C3491|servo-motor,robot-controller,lidar,li-ion-cell-consumer,?vision-sensor|AGV;AMR
service-robot|服务机器人|P|N|C3964|servo-motor,chip-soc,lidar,li-ion-cell-consumer|
humanoid-robot|人形机器人|P*|N|C3964|harmonic-reducer,planetary-roller-screw,servo-motor,force-sensor,robot-controller,?ai-edge-module|
injection-molding-machine|注塑机|E|N|C3523|servo-motor,servo-drive,plc,hydraulic-components,casting|
cnc-machine|数控机床|E|N|C3421|cnc-system,linear-guide,ball-screw,servo-motor,bearing,casting|
#D 系统集成
automation-line|自动化生产线|S|N|C3491|industrial-robot,plc,linear-guide,pneumatic-components,?vision-sensor,?industrial-pc|
injection-molding-automation|注塑自动化系统|P|N|C3491|injection-molding-machine,industrial-robot,?plc|
)"},
    {"AI", "人工智能", "future", 6, R"(
#U 算力硬件
chip-gpu|高端GPU芯片|C*|K:US|C3973|silicon-wafer,photoresist,ic-substrate|GPU
hbm|高带宽存储器|C*|K:KR|C3973|silicon-wafer,photoresist|HBM
ai-chip|国产AI加速芯片|C*|W|C3973|silicon-wafer,photoresist,ic-substrate,chip-design-eda|NPU
switch-chip|数据中心交换芯片|C*|X|C3973|silicon-wafer,photoresist,chip-design-eda|
micro-display|硅基OLED微显示屏|C*|B|C3974|silicon-wafer,oled-materials|Micro-OLED
@chip-cpu
@chip-memory
@optical-module
server-psu|服务器电源|C|N|C3821|mosfet,inductor,mlcc,pcb|
liquid-cooling-plate|液冷板|C|N|C3464|aluminium-alloy|
gpu-server|AI服务器|P|N|C3911|chip-gpu,hbm,chip-cpu,chip-memory,pcb,server-psu,?liquid-cooling-plate,?ai-chip|智算服务器
switch-ai|AI数据中心交换机|P|N|C3921|switch-chip,pcb,optical-module,server-psu|
#M 算法与模型
data-annotation|数据标注服务|S|N|I6599||
computing-power|算力租赁服务|S|N|I6450|gpu-server,switch-ai|
foundation-model|通用大模型|T*|N|I6513|computing-power,data-annotation|大模型
industry-model|行业大模型|T|N|I6513|foundation-model,?data-annotation|
computer-vision|机器视觉算法|T|N|I6513|?computing-power|
speech-recognition|语音识别技术|T|N|I6513|?computing-power|
digital-human-body|数字人体建模平台|T*|N|I6513|industry-model,computer-vision|
ai-sleep-algorithm|智慧睡眠AI算法|T|N|I6513|industry-model|
#D 智能终端与应用
ai-edge-module|边缘AI计算模组|C|N|C3919|chip-memory,pcba,?ai-chip,?chip-soc|
ai-pc|AI PC|P|N|C3911|chip-cpu,chip-memory,pcba,display-panel,battery-pack-phone,?ai-chip|
smart-glasses|AI智能眼镜|P|N|C3961|chip-soc,micro-display,optical-lens,li-ion-cell-consumer,camera-module|
industrial-ai-inspection|AI视觉质检系统|P|N|C3569|vision-sensor,ai-edge-module,computer-vision|
autonomous-driving-software|自动驾驶软件|T|N|I6513|computer-vision,foundation-model|
@vision-sensor
)"},
    {"BIO", "生物医药", "emerging", 5, R"(
#U 原料与耗材
fine-chemical-intermediates|医药中间体|M|X|C2614||
api-chemical|化学原料药|M|N|C2710|fine-chemical-intermediates|API
cell-culture-media|细胞培养基|M*|W|C2661||培养基
single-use-bioreactor-bag|一次性生物反应袋|C*|K:US|C3583||
chromatography-resin|层析填料|M*|B|C2661||
lab-reagents|科研试剂|M|N|C2661||
pharma-glass|中硼硅药用玻璃|M|N|C2780||
excipients|药用辅料|M|N|C2780||
eeg-sensor|高精度脑电采集芯片|C*|K:US|C3973|silicon-wafer|
#U 仪器设备
mass-spectrometer|高端质谱仪|E*|K:US|C4014||
bioreactor|生物反应器|E|N|C3544||
#M 研发服务
cro-service|临床前研究服务|S|N|M7340|lab-reagents,?mass-spectrometer|CRO
ai-drug-discovery|AI药物发现平台|T*|N|I6513|computing-power,foundation-model,?cro-service|
@computing-power
#D 药品与器械
biologics-antibody|单克隆抗体药物|P*|N|C2762|cell-culture-media,single-use-bioreactor-bag,chromatography-resin,pharma-glass,?bioreactor,?ai-drug-discovery|单抗
vaccine|疫苗|P|X|C2762|cell-culture-media,bioreactor,pharma-glass|
generic-drug|化学仿制药制剂|P|N|C2720|api-chemical,excipients,pharma-glass|
innovative-drug|化学创新药|P*|N|C2720|api-chemical,excipients,cro-service,?ai-drug-discovery|
ivd-reagent|体外诊断试剂|P|N|C2761|lab-reagents,?chromatography-resin|IVD试剂
ivd-analyzer|体外诊断分析仪|E|N|C3581|pcba,chip-mcu,optical-lens|
ultrasound|超声诊断设备|E|N|C3581|pcba,chip-soc,display-panel|
sleep-monitor|多导睡眠监测设备|E|N|C3581|eeg-sensor,chip-mcu,pcba,?ai-sleep-algorithm|PSG
cgm|连续血糖监测仪|P|N|C3581|mems-sensor,chip-mcu,li-ion-cell-consumer|CGM
medical-consumables|医用耗材|P|N|C2770|engineering-plastics|
)"},
    {"LOWALT", "低空经济", "future", 4, R"(
#U 材料与核心部件
carbon-fiber|碳纤维|M|N|C3091||
carbon-fiber-prepreg|航空级碳纤维预浸料|M*|K:JP|C3091|carbon-fiber|预浸料
@rare-earth-magnet
drone-motor|无人机电机|C|B|C3813|rare-earth-magnet,copper|
esc|电子调速器|C|N|C3824|mosfet,chip-mcu,pcb|电调
imu|高精度惯性测量单元|C*|X|C3983|mems-sensor|IMU
flight-controller|飞控系统|C*|N|C3744|chip-mcu,imu,pcb|飞控
gnss-module|北斗定位模组|C|N|C3989|chip-rf|GNSS模组
datalink|图传数据链|C|W|C3921|chip-rf,antenna,?fpga|
drone-battery|无人机锂电池|C|N|C3841|li-ion-cell-consumer,?bms|
propeller|碳纤维螺旋桨|C|N|C3749|carbon-fiber|
airframe-composite|复合材料机体结构件|C|N|C3749|carbon-fiber-prepreg,?carbon-fiber|
gimbal-camera|云台相机|C|N|C3976|camera-module,?servo-motor|
evtol-motor|eVTOL电推进系统|C*|N|C3812|rare-earth-magnet,copper,sic-mosfet|
utm-system|低空飞行服务管理平台|T|N|I6531||UTM
#D 整机与运营
consumer-drone|消费级无人机|P|N|C3963|drone-motor,esc,flight-controller,gnss-module,datalink,drone-battery,propeller,gimbal-camera|
industrial-drone|工业级无人机|P|N|C3963|drone-motor,esc,flight-controller,imu,gnss-module,datalink,drone-battery,propeller,airframe-composite|
logistics-drone|物流无人机|P|N|C3963|drone-motor,esc,flight-controller,gnss-module,datalink,drone-battery,airframe-composite,?utm-system|
evtol|eVTOL载人飞行器|P*|X|C3741|evtol-motor,flight-controller,airframe-composite,battery-pack,?utm-system|
drone-services|无人机巡检服务|S|N|I6531|industrial-drone,?utm-system|
)"},
};
// Variants of EIT products by specification ("suffix=spec;..."), written
// only at kCity and kNational. A variant has its base's inputs, is a
// SUBCLASS_OF the base and a non-essential INPUT_TO each of the base's
// consumers.
struct VariantText {
  const char* base;
  const char* specs;
};

constexpr VariantText kVariantTexts[] = {
    {"mlcc",
     "01005=01005;0201=0201;0402=0402;0603=0603;0805=0805;1206=1206;"
     "1210=1210;hv=高压;auto=车规级"},
    {"chip-resistor",
     "0201=0201;0402=0402;0603=0603;0805=0805;1206=1206;alloy=合金;"
     "thin-film=薄膜精密"},
    {"inductor",
     "power=功率电感;molded=一体成型;multilayer=叠层;wirewound=绕线;"
     "common-mode=共模;rf=射频"},
    {"connector",
     "btb=板对板;fpc=FPC;usb-c=USB Type-C;wtb=线对板;rf=射频同轴;"
     "backplane=高速背板;power=电源;auto=车规;sim=SIM卡座"},
    {"pcb",
     "4l=4层板;6l=6层板;8l=8层板;12l=12层以上高多层板;hf=高频板;hs=高速板;"
     "thick-copper=厚铜板;alu=铝基板;rigid-flex=刚挠结合板;backplane=背板"},
    {"hdi-pcb", "1st=一阶;2nd=二阶;any-layer=任意层互连;slp=类载板SLP"},
    {"fpc", "single=单面;double=双面;multilayer=多层;cof=COF"},
    {"display-panel",
     "phone=手机;tablet=平板;notebook=笔电;monitor=27英寸显示器;tv55="
     "55英寸电视;"
     "tv65=65英寸电视;auto=车载;industrial=工控"},
    {"oled-panel", "rigid=刚性;flexible=柔性;ltpo=LTPO;foldable=折叠屏"},
    {"camera-module",
     "main=后置主摄;uw=超广角;tele=潜望式长焦;front=前置;tof=3D ToF;"
     "auto=车载"},
    {"optical-lens", "phone=手机;auto=车载;security=安防;vr=VR"},
    {"speaker", "phone=手机;tws=TWS动圈单元;receiver=受话器;auto=车载"},
    {"crystal-oscillator",
     "32k=32.768kHz音叉;smd2016=SMD2016;tcxo=TCXO温补;ocxo=OCXO恒温"},
    {"power-adapter",
     "20w=20W PD;65w-gan=65W氮化镓;100w=100W多口;240w=240W笔电"},
    {"housing-metal", "al=铝合金中框;ti=钛合金中框;ss=不锈钢;mg=镁合金"},
    {"cover-glass", "2d=2D;3d=3D曲面;ag=AG防眩光;sapphire=蓝宝石"},
    {"pcba",
     "consumer=消费电子;industrial=工控;auto=汽车电子;medical=医疗电子;"
     "server=服务器"},
    {"chip-power-ic", "charger=快充协议;pmic=PMIC;dcdc=DC-DC;ldo=LDO"},
    {"chip-mcu", "8bit=8位;32bit=32位通用;wireless=无线SoC"},
    {"mems-sensor", "acc=加速度计;gyro=陀螺仪;baro=气压计;mag=磁力计"},
    {"router", "wifi6=Wi-Fi 6;wifi7=Wi-Fi 7;mesh=Mesh组网"},
    {"antenna", "lds=LDS;mimo=5G MIMO;uwb=UWB"},
    {"li-ion-cell-consumer", "pouch=软包;cylindrical=圆柱;button=扣式"},
};

// GB/T 4754-2017 sections, divisions and the classes the products use. A
// class's parent is its division ("C3841" -> "C38"), a division's its
// section ("C38" -> "C").
struct IndustryText {
  const char* code;
  const char* name;
};

constexpr IndustryText kIndustryTexts[] = {
    {"A", "农、林、牧、渔业"},
    {"C", "制造业"},
    {"I", "信息传输、软件和信息技术服务业"},
    {"M", "科学研究和技术服务业"},
    {"A01", "农业"},
    {"C13", "农副食品加工业"},
    {"C14", "食品制造业"},
    {"C15", "酒、饮料和精制茶制造业"},
    {"C17", "纺织业"},
    {"C18", "纺织服装、服饰业"},
    {"C19", "皮革、毛皮、羽毛及其制品和制鞋业"},
    {"C20", "木材加工和木、竹、藤、棕、草制品业"},
    {"C21", "家具制造业"},
    {"C22", "造纸和纸制品业"},
    {"C23", "印刷和记录媒介复制业"},
    {"C26", "化学原料和化学制品制造业"},
    {"C27", "医药制造业"},
    {"C28", "化学纤维制造业"},
    {"C29", "橡胶和塑料制品业"},
    {"C30", "非金属矿物制品业"},
    {"C31", "黑色金属冶炼和压延加工业"},
    {"C32", "有色金属冶炼和压延加工业"},
    {"C33", "金属制品业"},
    {"C34", "通用设备制造业"},
    {"C35", "专用设备制造业"},
    {"C36", "汽车制造业"},
    {"C37", "铁路、船舶、航空航天和其他运输设备制造业"},
    {"C38", "电气机械和器材制造业"},
    {"C39", "计算机、通信和其他电子设备制造业"},
    {"C40", "仪器仪表制造业"},
    {"C42", "废弃资源综合利用业"},
    {"I64", "互联网和相关服务"},
    {"I65", "软件和信息技术服务业"},
    {"M73", "研究和试验发展"},
    {"A0111", "稻谷种植"},
    {"A0121", "豆类种植"},
    {"A0131", "棉花种植"},
    {"A0169", "其他饮料作物种植"},
    {"C1311", "稻谷加工"},
    {"C1312", "小麦加工"},
    {"C1331", "食用植物油加工"},
    {"C1340", "制糖业"},
    {"C1351", "牲畜屠宰"},
    {"C1353", "肉制品及副产品加工"},
    {"C1391", "淀粉及淀粉制品制造"},
    {"C1411", "糕点、面包制造"},
    {"C1421", "糖果、巧克力制造"},
    {"C1431", "米、面制品制造"},
    {"C1432", "速冻食品制造"},
    {"C1442", "乳粉制造"},
    {"C1462", "酱油、食醋及类似制品制造"},
    {"C1495", "食品及饲料添加剂制造"},
    {"C1522", "瓶（罐）装饮用水制造"},
    {"C1525", "固体饮料制造"},
    {"C1529", "茶饮料及其他饮料制造"},
    {"C1711", "棉纺纱加工"},
    {"C1712", "棉织造加工"},
    {"C1713", "棉印染精加工"},
    {"C1721", "毛条和毛纱线加工"},
    {"C1751", "化纤织造加工"},
    {"C1761", "针织或钩针编织物织造"},
    {"C1771", "床上用品制造"},
    {"C1781", "非织造布制造"},
    {"C1783", "纺织带和帘子布制造"},
    {"C1789", "其他产业用纺织制成品制造"},
    {"C1819", "其他机织服装制造"},
    {"C1821", "运动休闲针织服装制造"},
    {"C1829", "其他针织或钩针编织服装制造"},
    {"C1910", "皮革鞣制加工"},
    {"C1951", "纺织面料鞋制造"},
    {"C2011", "锯材加工"},
    {"C2012", "木片加工"},
    {"C2021", "胶合板制造"},
    {"C2022", "纤维板制造"},
    {"C2023", "刨花板制造"},
    {"C2110", "木质家具制造"},
    {"C2130", "金属家具制造"},
    {"C2190", "其他家具制造"},
    {"C2211", "木竹浆制造"},
    {"C2221", "机制纸及纸板制造"},
    {"C2223", "加工纸制造"},
    {"C2231", "纸和纸板容器制造"},
    {"C2239", "其他纸制品制造"},
    {"C2319", "包装装潢及其他印刷"},
    {"C2612", "无机碱制造"},
    {"C2613", "无机盐制造"},
    {"C2614", "有机化学原料制造"},
    {"C2619", "其他基础化学原料制造"},
    {"C2641", "涂料制造"},
    {"C2642", "油墨及类似产品制造"},
    {"C2645", "染料制造"},
    {"C2651", "初级形态塑料及合成树脂制造"},
    {"C2661", "化学试剂和助剂制造"},
    {"C2662", "专项化学用品制造"},
    {"C2669", "其他专用化学产品制造"},
    {"C2684", "香料、香精制造"},
    {"C2710", "化学药品原料药制造"},
    {"C2720", "化学药品制剂制造"},
    {"C2761", "生物药品制造"},
    {"C2762", "基因工程药物和疫苗制造"},
    {"C2770", "卫生材料及医药用品制造"},
    {"C2780", "药用辅料及包装材料制造"},
    {"C2821", "锦纶纤维制造"},
    {"C2822", "涤纶纤维制造"},
    {"C2826", "氨纶纤维制造"},
    {"C2913", "橡胶零件制造"},
    {"C2921", "塑料薄膜制造"},
    {"C2924", "泡沫塑料制造"},
    {"C2926", "塑料包装箱及容器制造"},
    {"C2929", "其他塑料制品制造"},
    {"C3042", "特种玻璃制造"},
    {"C3061", "玻璃纤维及制品制造"},
    {"C3091", "石墨及碳素制品制造"},
    {"C3099", "其他非金属矿物制品制造"},
    {"C3130", "钢压延加工"},
    {"C3211", "铜冶炼"},
    {"C3240", "有色金属合金制造"},
    {"C3251", "铜压延加工"},
    {"C3252", "铝压延加工"},
    {"C3331", "集装箱制造"},
    {"C3351", "建筑、家具用金属配件制造"},
    {"C3391", "黑色金属铸造"},
    {"C3399", "其他未列明金属制品制造"},
    {"C3421", "金属切削机床制造"},
    {"C3444", "液压动力机械及元件制造"},
    {"C3446", "气压动力机械及元件制造"},
    {"C3451", "滚动轴承制造"},
    {"C3453", "齿轮及齿轮减、变速箱制造"},
    {"C3464", "制冷、空调设备制造"},
    {"C3483", "弹簧制造"},
    {"C3484", "机械零部件加工"},
    {"C3491", "工业机器人制造"},
    {"C3523", "塑料加工专用设备制造"},
    {"C3531", "食品、酒、饮料及茶生产专用设备制造"},
    {"C3541", "制浆和造纸专用设备制造"},
    {"C3544", "制药专用设备制造"},
    {"C3551", "纺织专用设备制造"},
    {"C3553", "缝制机械制造"},
    {"C3562", "半导体器件专用设备制造"},
    {"C3563", "电子元器件与机电组件设备制造"},
    {"C3569", "其他电子专用设备制造"},
    {"C3581", "医疗诊断、监护及治疗设备制造"},
    {"C3583", "医疗实验室及医用消毒设备和器具制造"},
    {"C3599", "其他专用设备制造"},
    {"C3612", "新能源车整车制造"},
    {"C3660", "汽车车身、挂车制造"},
    {"C3670", "汽车零部件及配件制造"},
    {"C3741", "飞机制造"},
    {"C3744", "航空相关设备制造"},
    {"C3749", "其他航空航天器制造"},
    {"C3812", "电动机制造"},
    {"C3813", "微特电机及组件制造"},
    {"C3821", "变压器、整流器和电感器制造"},
    {"C3824", "电力电子元器件制造"},
    {"C3825", "光伏设备及元器件制造"},
    {"C3831", "电线、电缆制造"},
    {"C3841", "锂离子电池制造"},
    {"C3849", "其他电池制造"},
    {"C3872", "照明灯具制造"},
    {"C3911", "计算机整机制造"},
    {"C3913", "计算机外围设备制造"},
    {"C3914", "工业控制计算机及系统制造"},
    {"C3919", "其他计算机制造"},
    {"C3921", "通信系统设备制造"},
    {"C3922", "通信终端设备制造"},
    {"C3951", "电视机制造"},
    {"C3952", "音响设备制造"},
    {"C3961", "可穿戴智能设备制造"},
    {"C3962", "智能车载设备制造"},
    {"C3963", "智能无人飞行器制造"},
    {"C3964", "服务消费机器人制造"},
    {"C3971", "电子真空器件制造"},
    {"C3972", "半导体分立器件制造"},
    {"C3973", "集成电路制造"},
    {"C3974", "显示器件制造"},
    {"C3975", "半导体照明器件制造"},
    {"C3976", "光电子器件制造"},
    {"C3981", "电阻电容电感元件制造"},
    {"C3982", "电子电路制造"},
    {"C3983", "敏感元件及传感器制造"},
    {"C3984", "电声器件及零件制造"},
    {"C3985", "电子专用材料制造"},
    {"C3989", "其他电子元件制造"},
    {"C4011", "工业自动控制系统装置制造"},
    {"C4014", "实验分析仪器制造"},
    {"C4040", "光学仪器制造"},
    {"C4220", "非金属废料和碎屑加工处理"},
    {"I6450", "互联网数据服务"},
    {"I6513", "应用软件开发"},
    {"I6531", "信息系统集成服务"},
    {"I6599", "其他未列明信息技术服务业"},
    {"M7340", "医学研究和试验发展"},
};

// Where domestic firms are. Index 0 is Dongguan; name_prefix starts the
// names of firms registered there.
enum Zone : uint8_t {
  kLocal = 0,     // 441900
  kProvince = 1,  // elsewhere in Guangdong
  kCountry = 2,   // elsewhere in China
  kAbroad = 3,
};
constexpr int kZoneCount = 4;

struct RegionText {
  const char* code;
  const char* name_prefix;
  Zone zone;
  int weight;  // within its zone
};

constexpr RegionText kRegions[] = {
    {"441900", "东莞市", kLocal, 1},     {"440300", "深圳市", kProvince, 35},
    {"440100", "广州市", kProvince, 25}, {"440600", "佛山市", kProvince, 15},
    {"441300", "惠州市", kProvince, 10}, {"440400", "珠海市", kProvince, 5},
    {"442000", "中山市", kProvince, 5},  {"440700", "江门市", kProvince, 3},
    {"441200", "肇庆市", kProvince, 2},  {"310115", "上海", kCountry, 8},
    {"320500", "苏州", kCountry, 8},     {"320200", "无锡", kCountry, 4},
    {"320400", "常州", kCountry, 4},     {"330100", "杭州", kCountry, 6},
    {"330200", "宁波", kCountry, 5},     {"110108", "北京", kCountry, 6},
    {"120116", "天津", kCountry, 3},     {"370200", "青岛", kCountry, 3},
    {"420100", "武汉", kCountry, 4},     {"430100", "长沙", kCountry, 3},
    {"510100", "成都", kCountry, 4},     {"500112", "重庆", kCountry, 3},
    {"610100", "西安", kCountry, 3},     {"340100", "合肥", kCountry, 4},
    {"350200", "厦门", kCountry, 3},     {"350900", "宁德", kCountry, 2},
    {"360500", "新余", kCountry, 1},     {"410100", "郑州", kCountry, 2},
    {"130100", "石家庄", kCountry, 1},   {"210200", "大连", kCountry, 1},
    {"450100", "南宁", kCountry, 1},     {"530100", "昆明", kCountry, 1},
    {"650100", "乌鲁木齐", kCountry, 1},
};
constexpr int kRegionCount = sizeof(kRegions) / sizeof(kRegions[0]);

// Countries of synthetic foreign firms: family names, the legal suffix of
// the full name, and a weight.
struct CountryText {
  const char* code;
  const char* families;  // ';'-separated
  const char* words;     // ';'-separated business words
  const char* suffix;
  int weight;
};

constexpr const char* kEnglishWords =
    "Technologies;Materials;Systems;Devices;Instruments;Semiconductor;"
    "Components;Precision;Electronics;Robotics;Photonics;Chemicals;Motion;"
    "Sensors;Automation;Labs";

constexpr CountryText kCountries[] = {
    {"JP",
     "Takeda;Sato;Yamamoto;Nakamura;Kobayashi;Fujimoto;Kato;Ishikawa;Mori;"
     "Hayashi;Okada;Shimizu;Matsuda;Kondo;Ueda;Aoki;Nishimura;Hirose;Sakai;"
     "Kaneko;Murakami;Yoshida;Inoue;Kimura",
     "Seiki;Denki;Kogyo;Seimitsu;Kasei;Koki;Electronics;Chemical;Materials;"
     "Machinery;Works;Optical;Precision;Devices",
     " Co., Ltd.", 25},
    {"US",
     "Apex;Summit;Liberty;Pioneer;Redwood;Granite;Cascade;Sierra;Atlas;Beacon;"
     "Keystone;Frontier;Evergreen;Harbor;Lakeside;Meridian;Ridgeline;Bayview;"
     "Silverline;Northfield;Clearwater;Westbrook;Highland;Ironwood",
     kEnglishWords, " Inc.", 25},
    {"DE",
     "Becker;Schmidt;Hoffmann;Keller;Wagner;Richter;Krause;Lehmann;Bauer;Vogel;"
     "Hartmann;Neumann;Brandt;Zimmermann;Kruger;Schulte;Winkler;Lorenz;Frank;"
     "Haas;Seidel;Jung;Roth;Kuhn",
     "Feinmechanik;Elektronik;Antriebstechnik;Maschinenbau;Chemie;Werkstoffe;"
     "Automation;Optik;Sensorik;Praezision;Messtechnik;Robotik;Lasertechnik;"
     "Verbindungstechnik",
     " GmbH", 15},
    {"KR",
     "Hanil;Daesung;Seoul;Kumho;Dongbu;Samil;Hyupjin;Jinyang;Taeyang;Woojin;"
     "Sejin;Hanwool;Daeil;Kyungil;Sungwoo;Mirae;Haesung;Dongil;Yoosung;"
     "Jungwon;Saehan;Shinsung;Ilshin;Hwaseung",
     kEnglishWords, " Co., Ltd.", 10},
    {"NL",
     "Van Dijk;De Vries;Jansen;Bakker;Visser;Smit;Meijer;Mulder;De Boer;"
     "Dekker;Brouwer;Van Leeuwen;Hendriks;Kuipers;Vermeulen;Peters",
     kEnglishWords, " B.V.", 4},
    {"FR",
     "Dupont;Moreau;Lefevre;Girard;Bonnet;Mercier;Lambert;Fontaine;Rousseau;"
     "Chevalier;Garnier;Faure;Blanc;Guerin;Perrin;Morel",
     "Industries;Composites;Electronique;Chimie;Systemes;Technologies;"
     "Materiaux;Optique;Instruments;Automatismes",
     " SA", 5},
    {"GB",
     "Ashford;Bramley;Carlton;Davenport;Everett;Fairfax;Hartley;Kensington;"
     "Langley;Marlow;Pemberton;Radcliffe;Stanford;Thornton;Whitmore;Yardley",
     kEnglishWords, " Ltd", 4},
    {"IT",
     "Rossi;Russo;Ferrari;Esposito;Bianchi;Romano;Colombo;Ricci;Marino;Greco;"
     "Bruno;Gallo;Conti;De Luca;Mancini;Costa",
     "Meccanica;Elettronica;Tecnologie;Materiali;Automazione;Sistemi;"
     "Precisione;Chimica",
     " S.p.A.", 3},
    {"CH",
     "Baumann;Frei;Gerber;Huber;Meier;Moser;Schneider;Steiner;Widmer;Zurcher;"
     "Brunner;Graf;Kunz;Suter;Wyss;Zbinden",
     "Precision;Feinwerktechnik;Instruments;Automation;Materials;Sensors;"
     "Mikrotechnik;Systems",
     " AG", 3},
    {"SG",
     "Lion City;Merlion;Raffles;Orchard;Marina;Temasek;Sentosa;Jurong;Tampines;"
     "Kallang;Bukit;Changi;Novena;Clementi;Serangoon;Bedok",
     kEnglishWords, " Pte. Ltd.", 3},
    {"VN",
     "Hoa Binh;Thanh Cong;Viet Tien;Phu Thai;An Phat;Minh Long;Dai Dung;"
     "Hung Thinh;Tan Tien;Hai Phong;Sai Gon;Ha Noi;Binh Duong;Dong Nai;"
     "Long An;Bac Ninh",
     kEnglishWords, " Co., Ltd.", 2},
    {"MY",
     "Penang;Kedah;Johor;Selangor;Melaka;Perak;Sabah;Sarawak;Klang;Ipoh;"
     "Kulim;Senai;Seremban;Kuantan;Kluang;Batu",
     kEnglishWords, " Sdn. Bhd.", 1},
};
constexpr int kCountryCount = sizeof(kCountries) / sizeof(kCountries[0]);

// Well-known foreign producers, present at every scale. Their products are
// fixed; they make sure every chokepoint product has a producer of its
// country. key_name follows "EXT:".
struct NamedFirmText {
  const char* key_name;
  const char* name;
  const char* country;
  const char* products;  // ','-separated, at most 3
};

constexpr NamedFirmText kNamedForeignFirms[] = {
    {"Nabtesco", "Nabtesco Corporation", "JP", "rv-reducer"},
    {"Harmonic Drive Systems", "Harmonic Drive Systems Inc.", "JP",
     "harmonic-reducer"},
    {"Tokyo Ohka Kogyo", "Tokyo Ohka Kogyo Co., Ltd.", "JP", "photoresist"},
    {"JSR", "JSR Corporation", "JP", "photoresist"},
    {"Shin-Etsu Chemical", "Shin-Etsu Chemical Co., Ltd.", "JP",
     "photoresist,silicon-wafer"},
    {"Ajinomoto Fine-Techno", "Ajinomoto Fine-Techno Co., Inc.", "JP",
     "abf-substrate-film"},
    {"ASML", "ASML Holding N.V.", "NL", "lithography-machine"},
    {"Synopsys", "Synopsys, Inc.", "US", "chip-design-eda"},
    {"Cadence", "Cadence Design Systems, Inc.", "US", "chip-design-eda"},
    {"Intel", "Intel Corporation", "US", "chip-cpu,fpga"},
    {"AMD", "Advanced Micro Devices, Inc.", "US", "chip-cpu,chip-gpu,fpga"},
    {"NVIDIA", "NVIDIA Corporation", "US", "chip-gpu,adas-soc"},
    {"Qualcomm", "Qualcomm Incorporated", "US", "adas-soc,chip-soc,chip-rf"},
    {"SK hynix", "SK hynix Inc.", "KR", "hbm,chip-memory"},
    {"Samsung Electronics", "Samsung Electronics Co., Ltd.", "KR",
     "hbm,chip-memory,oled-panel"},
    {"Chemours", "The Chemours Company", "US", "ion-exchange-membrane"},
    {"Thermo Fisher Scientific", "Thermo Fisher Scientific Inc.", "US",
     "mass-spectrometer,single-use-bioreactor-bag,cell-culture-media"},
    {"Agilent", "Agilent Technologies, Inc.", "US", "mass-spectrometer"},
    {"Cytiva", "Cytiva", "US",
     "single-use-bioreactor-bag,chromatography-resin"},
    {"Texas Instruments", "Texas Instruments Incorporated", "US",
     "eeg-sensor,chip-power-ic,chip-mcu"},
    {"Toray", "Toray Industries, Inc.", "JP",
     "carbon-fiber-prepreg,carbon-fiber"},
    {"Teijin", "Teijin Limited", "JP", "carbon-fiber-prepreg,carbon-fiber"},
    {"Mitsubishi Chemical", "Mitsubishi Chemical Group Corporation", "JP",
     "carbon-fiber-prepreg"},
    {"Hamamatsu Photonics", "Hamamatsu Photonics K.K.", "JP",
     "x-ray-tube,flat-panel-detector"},
    {"Suzano", "Suzano S.A.", "BR", "wood-pulp"},
    {"Murata", "Murata Manufacturing Co., Ltd.", "JP", "mlcc,inductor"},
    {"Schaeffler", "Schaeffler AG", "DE", "planetary-roller-screw,bearing"},
    {"Nidec", "Nidec Corporation", "JP", "servo-motor,drive-motor"},
    {"Infineon", "Infineon Technologies AG", "DE",
     "igbt-module,chip-mcu,sic-mosfet"},
    {"THK", "THK Co., Ltd.", "JP", "linear-guide,ball-screw"},
    {"Valmet", "Valmet Oyj", "FI", "paper-machine,paper-felt"},
    {"Shima Seiki", "Shima Seiki Mfg., Ltd.", "JP", "knitting-machine"},
    {"Blum", "Julius Blum GmbH", "AT", "furniture-hardware"},
    {"Keyence", "Keyence Corporation", "JP", "vision-sensor,industrial-camera"},
    {"Fanuc", "FANUC Corporation", "JP", "industrial-robot,cnc-system"},
    {"Yaskawa Electric", "Yaskawa Electric Corporation", "JP",
     "industrial-robot,servo-motor,servo-drive"},
    {"KUKA", "KUKA AG", "DE", "industrial-robot"},
    {"Coherent", "Coherent Corp.", "US", "laser-source,laser-chip"},
    {"Trumpf", "TRUMPF SE + Co. KG", "DE", "laser-source"},
    {"Nitto Denko", "Nitto Denko Corporation", "JP", "polarizer"},
    {"Corning", "Corning Incorporated", "US", "cover-glass,optical-glass"},
    {"Bosch", "Robert Bosch GmbH", "DE", "mems-sensor"},
    {"Sony Semiconductor Solutions", "Sony Semiconductor Solutions Corporation",
     "JP", "chip-cis"},
    {"Applied Materials", "Applied Materials, Inc.", "US",
     "deposition-equipment,etching-equipment"},
    {"Tokyo Electron", "Tokyo Electron Limited", "JP",
     "etching-equipment,deposition-equipment"},
    {"Fuji Corporation", "FUJI Corporation", "JP", "smt-equipment"},
    {"Koh Young", "Koh Young Technology Inc.", "KR",
     "pcb-inspection-equipment"},
    {"Air Liquide", "Air Liquide S.A.", "FR", "electronic-gases"},
    {"Schneider Electric", "Schneider Electric SE", "FR", "plc,pcs"},
    {"Siemens", "Siemens AG", "DE", "plc,cnc-system"},
    {"LG Chem", "LG Chem, Ltd.", "KR", "cathode-ncm"},
    {"Samsung SDI", "Samsung SDI Co., Ltd.", "KR", "li-ion-cell-power"},
    {"Asahi Kasei", "Asahi Kasei Corporation", "JP", "separator"},
    {"SQM", "Sociedad Quimica y Minera de Chile S.A.", "CL",
     "lithium-carbonate"},
    {"Albemarle", "Albemarle Corporation", "US", "lithium-carbonate"},
    {"International Paper", "International Paper Company", "US",
     "containerboard,recovered-paper"},
    {"Smurfit Westrock", "Smurfit Westrock plc", "IE", "containerboard"},
    {"Universal Display", "Universal Display Corporation", "US",
     "oled-materials"},
    {"Cargill", "Cargill, Incorporated", "US", "edible-oil,sugar"},
};

// The three chain leaders of the seed report. Each buys one essential input
// of its first product from a single foreign supplier (a named firm).
struct LeaderText {
  const char* key;
  const char* name;
  const char* alias;
  const char* former_name;
  const char* industry_product;  // first product; sets industry_code
  const char* products;
  const char* chain;
  const char* foreign_input;
  const char* foreign_supplier;  // key_name of a kNamedForeignFirms entry
};

constexpr LeaderText kLeaders[] = {
    {"SZSE:300607", "广东拓斯达科技股份有限公司", "拓斯达",
     "东莞市拓斯达机器人有限公司", "industrial-robot",
     "industrial-robot,injection-molding-machine,automation-line", "ROBOT",
     "rv-reducer", "Nabtesco"},
    {"SZSE:300410", "广东正业科技股份有限公司", "正业科技",
     "东莞市正业电子有限公司", "xray-inspection-equipment",
     "xray-inspection-equipment,pcb-inspection-equipment,"
     "laser-processing-equipment",
     "EIT", "x-ray-tube", "Hamamatsu Photonics"},
    {"HKEX:02689", "玖龙纸业（控股）有限公司", "玖龙纸业",
     "玖龍紙業（控股）有限公司", "containerboard",
     "containerboard,corrugating-medium,white-board", "PAPER", "wood-pulp",
     "Suzano"},
};
constexpr int kLeaderCount = sizeof(kLeaders) / sizeof(kLeaders[0]);

struct PlatformText {
  const char* key;
  const char* name;
  const char* type;
  const char* level;
  const char* supports;  // product keys
};

constexpr PlatformText kPlatforms[] = {
    {"SSLAB", "松山湖材料实验室", "new_rd_institute", "provincial",
     "photoresist,sic-substrate,sodium-cathode,ion-exchange-membrane,"
     "ceramic-powder,carbon-fiber-prepreg"},
    {"CSNS", "中国散裂中子源", "big_science_facility", "national",
     "cathode-ncm,separator,rare-earth-magnet,anode-graphite"},
    {"SAPS", "南方光源", "big_science_facility", "national",
     "photoresist,abf-substrate-film,ic-substrate,oled-materials"},
    {"DGUT", "东莞理工学院", "university", "provincial",
     "industrial-robot,collaborative-robot,vision-sensor,computer-vision,"
     "encoder"},
    {"GDMU", "广东医科大学", "university", "provincial",
     "biologics-antibody,ivd-reagent,sleep-monitor,cell-culture-media"},
    {"HUST-MEI", "东莞华中科技大学制造工程研究院", "new_rd_institute",
     "provincial",
     "cnc-system,injection-molding-machine,laser-processing-equipment,"
     "servo-drive"},
    {"DG-PH", "东莞市人民医院", "hospital", "municipal", "sleep-monitor,cgm"},
    {"GD-EC-PCB", "广东省高端印制电路工程技术研究中心", "engineering_centre",
     "provincial", "pcb,hdi-pcb,ic-substrate"},
    {"GD-EC-PAPER", "广东省绿色造纸与包装工程技术研究中心",
     "engineering_centre", "provincial",
     "containerboard,recovered-paper,pulp-moulded-packaging"},
    {"DG-KL-ROBOT", "东莞市机器人精密传动重点实验室", "key_lab", "municipal",
     "rv-reducer,harmonic-reducer,planetary-roller-screw"},
    {"DG-EC-BATTERY", "东莞市动力与储能电池工程技术研究中心",
     "engineering_centre", "municipal",
     "li-ion-cell-power,separator,sodium-cell,li-ion-cell-storage"},
    {"GD-KL-UAV", "广东省低空飞行器智能感知与控制重点实验室", "key_lab",
     "provincial", "flight-controller,imu,carbon-fiber-prepreg,evtol-motor"},
    {"GD-KL-BIOAI", "广东省生物医药人工智能重点实验室", "key_lab", "provincial",
     "ai-drug-discovery,digital-human-body"},
};

struct ConsortiumText {
  const char* key;
  const char* name;
  const char* member_products;  // local producers of these become members
  int firm_members;             // including the lead firm
  const char* platforms;        // platform members
  const char* supports;         // product keys
};

constexpr ConsortiumText kConsortia[] = {
    {"DG-BIOAI", "生物医药AI协作创新联合体",
     "biologics-antibody,innovative-drug,ai-drug-discovery,cro-service,"
     "ivd-reagent,generic-drug,foundation-model,computing-power",
     9, "GDMU,GD-KL-BIOAI,SSLAB",
     "ai-drug-discovery,biologics-antibody,innovative-drug,cell-culture-media,"
     "single-use-bioreactor-bag,mass-spectrometer"},
    {"DG-SLEEP", "数字人体与智慧睡眠创新联合体",
     "smart-mattress,sleep-monitor,ai-sleep-algorithm,digital-human-body,"
     "smartwatch,mattress",
     8, "GDMU,DG-PH,DGUT",
     "smart-mattress,sleep-monitor,ai-sleep-algorithm,digital-human-body,"
     "eeg-sensor"},
};

// lead: "consortium:KEY", "firm:KEY" or "makes:p1,p2" (a credentialed local
// producer of one of those products, chosen with the seed).
struct ProjectText {
  const char* key;
  const char* name;
  const char* type;
  const char* start_date;
  const char* end_date;
  const char* lead;
  const char* targets;
};

constexpr ProjectText kProjects[] = {
    {"DG-2023-BIOAI", "AI赋能生物药研发重大科技项目", "major_science_tech",
     "2023-07-01", "2026-06-30", "consortium:DG-BIOAI",
     "single-use-bioreactor-bag,mass-spectrometer"},
    {"DG-2024-SLEEP", "数字人体与智慧睡眠关键技术重大科技项目",
     "major_science_tech", "2024-03-01", "2027-02-28", "consortium:DG-SLEEP",
     "eeg-sensor"},
    {"DG-2024-PR", "高分辨率光刻胶揭榜挂帅项目", "open_competition",
     "2024-01-01", "2026-12-31", "makes:chip-mcu,chip-power-ic,ccl,pcb",
     "photoresist"},
    {"DG-2024-RV", "高精度RV减速器揭榜挂帅项目", "open_competition",
     "2024-05-01", "2027-04-30", "firm:SZSE:300607", "rv-reducer"},
    {"DG-2025-PRS", "人形机器人行星滚柱丝杠揭榜挂帅项目", "open_competition",
     "2025-03-01", "2027-12-31", "makes:harmonic-reducer,humanoid-robot",
     "planetary-roller-screw"},
    {"DG-2025-ABF", "ABF载板材料揭榜挂帅项目", "open_competition", "2025-01-01",
     "2027-12-31", "makes:hdi-pcb,pcb", "abf-substrate-film"},
    {"DG-2024-ADAS", "智能网联汽车芯片链条式集成攻关", "chain_integration",
     "2024-06-01", "2027-05-31", "makes:adas-domain,lidar,infotainment",
     "adas-soc"},
    {"DG-2025-MEMB", "液流储能离子交换膜链条式集成攻关", "chain_integration",
     "2025-01-01", "2027-12-31", "makes:flow-battery-stack,storage-system,pcs",
     "ion-exchange-membrane"},
    {"DG-2025-CFP", "航空级碳纤维预浸料揭榜挂帅项目", "open_competition",
     "2025-04-01", "2027-03-31",
     "makes:airframe-composite,propeller,carbon-fiber", "carbon-fiber-prepreg"},
    {"DG-2025-AIC", "智算芯片与高带宽存储链条式集成攻关", "chain_integration",
     "2025-02-01", "2028-01-31", "makes:gpu-server,ai-edge-module",
     "chip-gpu,hbm"},
    {"DG-2025-EDA", "国产EDA工具链条式集成攻关", "chain_integration",
     "2025-06-01", "2028-05-31", "makes:chip-mcu,chip-power-ic,chip-rf",
     "chip-design-eda"},
};

// Words that make up domestic firm names: two brand characters, then a
// business word of the firm's chain (same order as kChainTexts).
constexpr const char* kBrandCharacters[] = {
    "鼎", "盛", "华", "宏", "泰", "丰", "达", "鑫", "润", "恒", "信", "源",
    "瑞", "祥", "昌", "隆", "兴", "德", "利", "嘉", "美", "凯", "越", "新",
    "佳", "科", "力", "创", "宇", "正", "长", "海", "天", "金", "银", "富",
    "安", "康", "福", "顺", "通", "联", "合", "众", "立", "成", "发", "俊",
    "辉", "光", "明", "博", "精", "锐", "腾", "飞", "威", "雄", "凌", "志",
    "远", "盈", "荣", "永", "晟", "弘", "旭", "晖", "勤", "诚", "和", "益",
    "朗", "骏", "捷", "翔", "铭", "奥", "赛", "星", "辰", "澳", "誉", "卓",
    "尚", "品", "优", "峰", "川", "石", "松", "湖", "江", "虎", "莞", "粤"};

constexpr const char* kChainWords[] = {
    "纸业;包装;纸品;印刷包装;环保科技;纸制品",
    "服饰;制衣;纺织;针织;毛织;鞋业;织造",
    "电子科技;精密电子;光电科技;电路科技;半导体科技;通讯科技;智能科技;"
    "电子材料",
    "家具;家居;木业;五金制品;软体家具;智能家居",
    "食品;饮料;食品科技;调味品;食品工业",
    "新能源科技;汽车零部件;动力科技;电池科技;电驱科技;智能网联科技",
    "储能科技;新能源科技;电力科技;能源技术",
    "机器人;自动化科技;智能装备;精密机械;传动科技;数控科技",
    "人工智能科技;智能科技;信息技术;数据科技;算力科技",
    "生物科技;医药;生物医药;医疗器械;制药;医疗科技",
    "无人机;航空科技;智能飞行器;航空材料;低空科技",
};

// ---------------------------------------------------------------------------
// Credentials. Slots are the (kind, level) pairs the seed report counts.
// ---------------------------------------------------------------------------

enum CredentialSlot : int {
  kChainLeaderM = 0,
  kChampionN,
  kChampionP,
  kLittleGiantN,
  kSpecializedP,
  kInnovativeP,
  kHighTechN,
  kSmartFactoryN,
  kSmartFactoryP,
  kSmartFactoryM,
  kSlotCount,
};

struct SlotText {
  const char* kind;
  const char* level;
  int figure;  // the Dongguan count of the seed report
};

constexpr SlotText kSlots[kSlotCount] = {
    {"chain_leader", "municipal", 3},
    {"single_item_champion", "national", 15},
    {"single_item_champion", "provincial", 92},
    {"little_giant", "national", 236},
    {"specialized_sme", "provincial", 3318},
    {"innovative_sme", "provincial", 5483},
    {"high_tech_enterprise", "national", 10200},
    {"smart_factory", "national", 2},
    {"smart_factory", "provincial", 18},
    {"smart_factory", "municipal", 163},
};

// One published batch of a credential: every term in force on 2025-12-31
// (valid_from <= 2025-06-30, valid_to empty or >= 2026-12-31), except the
// revoked ones, whose years differ from every active term of the same slot
// so that (kind, level, year, batch) never collides.
struct TermText {
  int slot;
  int year;
  const char* batch;
  const char* valid_from;
  const char* valid_to;
  const char* status;
};

constexpr TermText kActiveTerms[] = {
    {kChainLeaderM, 2022, "第一批", "2022-09-01", "", "granted"},
    {kChampionN, 2020, "第五批", "2023-12-01", "2026-12-31", "rereviewed"},
    {kChampionN, 2023, "第八批", "2024-01-01", "2026-12-31", "granted"},
    {kChampionN, 2024, "第九批", "2025-01-01", "2027-12-31", "granted"},
    {kChampionP, 2023, "2023年度", "2024-01-01", "2026-12-31", "granted"},
    {kChampionP, 2024, "2024年度", "2025-01-01", "2027-12-31", "granted"},
    {kLittleGiantN, 2021, "第三批", "2024-07-01", "2027-06-30", "rereviewed"},
    {kLittleGiantN, 2024, "第六批", "2024-07-01", "2027-06-30", "granted"},
    {kLittleGiantN, 2025, "第七批", "2025-06-01", "2028-05-31", "publicized"},
    {kSpecializedP, 2023, "2023年第一批", "2024-01-01", "2026-12-31",
     "granted"},
    {kSpecializedP, 2024, "2024年第一批", "2025-01-01", "2027-12-31",
     "granted"},
    {kSpecializedP, 2025, "2025年第一批", "2025-04-01", "2028-03-31",
     "publicized"},
    {kInnovativeP, 2023, "2023年第二批", "2024-01-01", "2026-12-31", "granted"},
    {kInnovativeP, 2024, "2024年第一批", "2024-12-01", "2027-11-30", "granted"},
    {kInnovativeP, 2025, "2025年第一批", "2025-05-01", "2028-04-30",
     "publicized"},
    {kHighTechN, 2024, "第一批", "2024-11-19", "2027-11-18", "granted"},
    {kHighTechN, 2024, "第二批", "2024-12-11", "2027-12-10", "granted"},
    {kHighTechN, 2024, "第三批", "2024-12-24", "2027-12-23", "granted"},
    {kSmartFactoryN, 2024, "2024年度卓越级", "2024-12-01", "", "granted"},
    {kSmartFactoryP, 2023, "2023年度", "2023-11-01", "", "granted"},
    {kSmartFactoryP, 2024, "2024年度", "2024-10-15", "", "granted"},
    {kSmartFactoryM, 2022, "2022年度", "2022-12-01", "", "granted"},
    {kSmartFactoryM, 2023, "2023年度", "2023-12-05", "", "granted"},
    {kSmartFactoryM, 2024, "2024年度", "2024-11-20", "", "granted"},
    {kSmartFactoryM, 2025, "2025年度", "2025-05-20", "", "publicized"},
};

constexpr TermText kRevokedTerms[] = {
    {kChampionN, 2019, "第四批", "2019-12-01", "2022-11-30", "revoked"},
    {kLittleGiantN, 2020, "第二批", "2020-07-01", "2023-06-30", "revoked"},
    {kSpecializedP, 2021, "2021年第一批", "2022-01-01", "2024-12-31",
     "revoked"},
    {kInnovativeP, 2022, "2022年第一批", "2022-08-01", "2025-07-31", "revoked"},
    {kHighTechN, 2021, "第一批", "2021-12-20", "2024-12-19", "revoked"},
};
constexpr int kRevokedTermCount =
    sizeof(kRevokedTerms) / sizeof(kRevokedTerms[0]);
// ---------------------------------------------------------------------------
// The parsed catalogue
// ---------------------------------------------------------------------------

// Who may make a product, which decides its gap class in 441900.
enum class Profile : uint8_t {
  kNormal,   // local and outside producers
  kMissing,  // 缺链: producers elsewhere in China, none in 441900
  kWeak,     // 短板: exactly one local producer, with no credential
  kBreak,  // 断链风险: local producers, but local buyers buy mostly outside
  kChoke,  // 卡脖子: only foreign producers, all of one country
};

constexpr const char* kStageNames[] = {"upstream", "midstream", "downstream"};
constexpr int kChainCount = sizeof(kChainTexts) / sizeof(kChainTexts[0]);

struct Product {
  std::string key;
  std::string name;
  std::string aliases;  // ';'-separated
  char kind = 'P';
  bool key_core = false;
  Profile profile = Profile::kNormal;
  std::string choke_country;                 // kChoke only
  std::string industry;                      // a GB/T 4754 class
  std::vector<std::pair<int, bool>> inputs;  // (product, essential)
  int base = -1;   // the product this one is a variant of
  int chain = -1;  // the chain whose body defines it
  uint64_t weight = 1;
};

struct Membership {
  int chain;
  int product;
  int stage;
  std::string segment;
};

struct Catalogue {
  std::vector<Product> products;
  std::unordered_map<std::string, int> index;
  std::vector<Membership> memberships;
  std::vector<std::vector<int>> chain_products;  // per chain
  std::vector<std::vector<int>> variants;        // per product
  std::vector<const IndustryText*> industries;   // parents first

  int Find(absl::string_view key) const {
    auto it = index.find(std::string(key));
    return it == index.end() ? -1 : it->second;
  }
};

absl::Status CatalogueError(absl::string_view message) {
  return absl::InternalError(absl::StrCat("demo catalogue: ", message));
}

const char* ProductKindName(char kind) {
  switch (kind) {
    case 'M':
      return "material";
    case 'C':
      return "component";
    case 'E':
      return "equipment";
    case 'T':
      return "technology";
    case 'S':
      return "service";
    default:
      return "product";
  }
}

const IndustryText* FindIndustry(absl::string_view code) {
  for (const IndustryText& industry : kIndustryTexts) {
    if (code == industry.code) return &industry;
  }
  return nullptr;
}

std::vector<std::string> SplitList(absl::string_view text, char separator) {
  return absl::StrSplit(text, separator, absl::SkipEmpty());
}

// Appends the products and memberships of one chain body to *catalogue and,
// per membership, its raw input keys (or {"@key"}) to *inputs.
absl::Status ParseChainBody(int chain, Catalogue* catalogue,
                            std::vector<std::vector<std::string>>* inputs) {
  struct Ref {
    std::string key;
    int stage;
    std::string segment;
  };
  std::vector<Ref> refs;
  int stage = 0;
  std::string segment;
  for (absl::string_view line :
       absl::StrSplit(kChainTexts[chain].body, '\n', absl::SkipWhitespace())) {
    line = absl::StripAsciiWhitespace(line);
    if (line[0] == '#') {
      absl::string_view letter = line.substr(1, 1);
      stage = letter == "U" ? 0 : letter == "M" ? 1 : letter == "D" ? 2 : -1;
      if (stage < 0) return CatalogueError(absl::StrCat("bad stage: ", line));
      segment = std::string(absl::StripAsciiWhitespace(line.substr(2)));
      continue;
    }
    if (line[0] == '@') {
      refs.push_back({std::string(line.substr(1)), stage, segment});
      continue;
    }
    std::vector<std::string> fields = absl::StrSplit(line, '|');
    if (fields.size() != 7 || fields[0].empty() || fields[1].empty() ||
        fields[2].empty() || fields[3].empty()) {
      return CatalogueError(absl::StrCat("bad product line: ", line));
    }
    Product product;
    product.key = fields[0];
    product.name = fields[1];
    product.kind = fields[2][0];
    product.key_core = fields[2].size() > 1 && fields[2][1] == '*';
    if (fields[3] == "N") {
      product.profile = Profile::kNormal;
    } else if (fields[3] == "X") {
      product.profile = Profile::kMissing;
    } else if (fields[3] == "W") {
      product.profile = Profile::kWeak;
    } else if (fields[3] == "B") {
      product.profile = Profile::kBreak;
    } else if (absl::StartsWith(fields[3], "K:") && fields[3].size() == 4) {
      product.profile = Profile::kChoke;
      product.choke_country = fields[3].substr(2);
    } else {
      return CatalogueError(absl::StrCat("bad profile: ", line));
    }
    product.industry = fields[4];
    if (FindIndustry(product.industry) == nullptr) {
      return CatalogueError(absl::StrCat("unknown industry: ", line));
    }
    product.aliases = fields[6];
    product.chain = chain;
    if (catalogue->index.count(product.key) != 0) {
      return CatalogueError(absl::StrCat("duplicate product ", product.key));
    }
    int id = static_cast<int>(catalogue->products.size());
    catalogue->index[product.key] = id;
    catalogue->products.push_back(std::move(product));
    catalogue->memberships.push_back({chain, id, stage, segment});
    inputs->push_back(SplitList(fields[5], ','));
  }
  for (const Ref& ref : refs) {
    // Resolved once every chain is parsed: the product may come later.
    catalogue->memberships.push_back({chain, -1, ref.stage, ref.segment});
    inputs->push_back({"@" + ref.key});
  }
  return absl::OkStatus();
}

absl::StatusOr<Catalogue> BuildCatalogue(bool with_variants) {
  Catalogue catalogue;
  // raw[i] belongs to memberships[i]: the input keys of the product it
  // defines, or {"@key"} for a product defined in another chain body (its
  // product is -1 until resolved below, as it may be defined later).
  std::vector<std::vector<std::string>> raw;
  for (int chain = 0; chain < kChainCount; ++chain) {
    CHAINKG_RETURN_IF_ERROR(ParseChainBody(chain, &catalogue, &raw));
  }
  // Split raw into per-product inputs and @-references, in order.
  std::vector<std::vector<std::string>> inputs(catalogue.products.size());
  {
    size_t next_product = 0;
    size_t raw_index = 0;
    for (Membership& membership : catalogue.memberships) {
      const std::vector<std::string>& entry = raw[raw_index++];
      if (membership.product >= 0) {
        inputs[next_product++] = entry;
        continue;
      }
      int id = catalogue.Find(absl::string_view(entry[0]).substr(1));
      if (id < 0) return CatalogueError(absl::StrCat("unknown ", entry[0]));
      membership.product = id;
    }
  }
  const int base_count = static_cast<int>(catalogue.products.size());
  for (int id = 0; id < base_count; ++id) {
    for (absl::string_view token : inputs[id]) {
      bool essential = token[0] != '?';
      if (!essential) token.remove_prefix(1);
      int input = catalogue.Find(token);
      if (input < 0 || input == id) {
        return CatalogueError(absl::StrCat("bad input ", token, " of ",
                                           catalogue.products[id].key));
      }
      catalogue.products[id].inputs.push_back({input, essential});
    }
  }

  catalogue.variants.resize(base_count);
  if (with_variants) {
    for (const VariantText& text : kVariantTexts) {
      int base = catalogue.Find(text.base);
      if (base < 0 || catalogue.products[base].profile != Profile::kNormal) {
        return CatalogueError(absl::StrCat("bad variant base ", text.base));
      }
      const Membership* home = nullptr;
      for (const Membership& membership : catalogue.memberships) {
        if (membership.product == base) {
          home = &membership;
          break;
        }
      }
      Membership base_membership = *home;
      for (absl::string_view spec : absl::StrSplit(text.specs, ';')) {
        std::pair<std::string, std::string> parts = absl::StrSplit(spec, '=');
        Product variant = catalogue.products[base];
        variant.key = absl::StrCat(text.base, "-", parts.first);
        variant.name = absl::StrCat(catalogue.products[base].name, "（",
                                    parts.second, "）");
        variant.aliases.clear();
        variant.base = base;
        int id = static_cast<int>(catalogue.products.size());
        if (!catalogue.index.emplace(variant.key, id).second) {
          return CatalogueError(absl::StrCat("duplicate ", variant.key));
        }
        catalogue.products.push_back(std::move(variant));
        catalogue.memberships.push_back({base_membership.chain, id,
                                         base_membership.stage,
                                         base_membership.segment});
        catalogue.variants[base].push_back(id);
      }
    }
    // A variant may stand in for its base: a non-essential input of every
    // product its base is an input of.
    for (int id = 0; id < base_count; ++id) {
      std::vector<std::pair<int, bool>> extra;
      for (const auto& [input, essential] : catalogue.products[id].inputs) {
        for (int variant : catalogue.variants[input]) {
          extra.push_back({variant, false});
        }
      }
      for (const auto& entry : extra) {
        catalogue.products[id].inputs.push_back(entry);
      }
    }
  }
  catalogue.variants.resize(catalogue.products.size());

  // Chain membership: each (chain, product) once.
  catalogue.chain_products.resize(kChainCount);
  {
    std::set<std::pair<int, int>> seen;
    for (const Membership& membership : catalogue.memberships) {
      if (!seen.insert({membership.chain, membership.product}).second) {
        return CatalogueError(absl::StrCat(
            "product ", catalogue.products[membership.product].key,
            " twice in chain ", kChainTexts[membership.chain].key));
      }
      catalogue.chain_products[membership.chain].push_back(membership.product);
    }
  }

  // INPUT_TO must be a DAG (Kahn's algorithm).
  {
    const size_t n = catalogue.products.size();
    std::vector<int> pending(n, 0);
    std::vector<std::vector<int>> consumers(n);
    for (size_t id = 0; id < n; ++id) {
      for (const auto& input : catalogue.products[id].inputs) {
        ++pending[id];
        consumers[input.first].push_back(static_cast<int>(id));
      }
    }
    std::vector<int> ready;
    for (size_t id = 0; id < n; ++id) {
      if (pending[id] == 0) ready.push_back(static_cast<int>(id));
    }
    size_t done = 0;
    while (!ready.empty()) {
      int id = ready.back();
      ready.pop_back();
      ++done;
      for (int consumer : consumers[id]) {
        if (--pending[consumer] == 0) ready.push_back(consumer);
      }
    }
    if (done != n) return CatalogueError("INPUT_TO has a cycle");
  }

  // Weights for choosing main products: the chain's share spread over the
  // products it defines; finished goods and parts are made by more firms
  // than services.
  {
    std::vector<int> defined(kChainCount, 0);
    for (const Product& product : catalogue.products) {
      if (product.base < 0) ++defined[product.chain];
    }
    for (Product& product : catalogue.products) {
      uint64_t factor = 2;
      if (product.kind == 'P' || product.kind == 'C') factor = 3;
      if (product.kind == 'T' || product.kind == 'S') factor = 1;
      product.weight = kChainTexts[product.chain].weight * 1000000ULL /
                       defined[product.chain] * factor;
      if (product.base >= 0) product.weight /= 4;
    }
  }

  // Industries: the classes the products use, with their divisions and
  // sections; kIndustryTexts lists parents before children.
  {
    std::set<std::string> used;
    for (const Product& product : catalogue.products) {
      used.insert(product.industry);
      used.insert(product.industry.substr(0, 3));
      used.insert(product.industry.substr(0, 1));
    }
    for (const IndustryText& industry : kIndustryTexts) {
      if (used.count(industry.code) != 0) {
        catalogue.industries.push_back(&industry);
        used.erase(industry.code);
      }
    }
    if (!used.empty()) {
      return CatalogueError(
          absl::StrCat("no name for industry ", *used.begin()));
    }
  }
  return catalogue;
}

// Parent of an industry code: class -> division -> section -> none.
std::string IndustryParent(absl::string_view code) {
  if (code.size() == 5) return std::string(code.substr(0, 3));
  if (code.size() == 3) return std::string(code.substr(0, 1));
  return "";
}

// ---------------------------------------------------------------------------
// CSV output
// ---------------------------------------------------------------------------

// One output file: a UTF-8 BOM, a header row, RFC 4180 rows ending in "\n".
// Buffers rows and writes in large blocks. Not thread-safe.
class CsvFile {
 public:
  CsvFile() = default;
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  absl::Status Open(std::string path,
                    std::initializer_list<absl::string_view> header) {
    path_ = std::move(path);
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) {
      return absl::UnavailableError(absl::StrCat(
          path_, ": cannot open for writing: ", std::strerror(errno)));
    }
    buffer_ = "\xEF\xBB\xBF";
    Row(header);
    rows_ = 0;
    return absl::OkStatus();
  }

  void Row(std::initializer_list<absl::string_view> cells) {
    bool first = true;
    for (absl::string_view cell : cells) {
      if (!first) buffer_ += ',';
      first = false;
      if (cell.find_first_of(",\"\r\n") == absl::string_view::npos) {
        buffer_.append(cell.data(), cell.size());
        continue;
      }
      buffer_ += '"';
      for (char c : cell) {
        if (c == '"') buffer_ += '"';
        buffer_ += c;
      }
      buffer_ += '"';
    }
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= kFlushBytes) Flush();
  }

  absl::Status Close() {
    Flush();
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (failed_ || rc != 0) {
      return absl::UnavailableError(absl::StrCat(path_, ": write failed"));
    }
    return absl::OkStatus();
  }

  int64_t rows() const { return rows_; }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;

  void Flush() {
    if (buffer_.empty() || file_ == nullptr) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) !=
        buffer_.size()) {
      failed_ = true;
    }
    buffer_.clear();
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  int64_t rows_ = 0;
  bool failed_ = false;
};

// The cells of an edges.csv row; empty unless set.
struct EdgeRow {
  absl::string_view kind, from_kind, from_key, to_kind, to_key;
  absl::string_view product_key, share, since, until, confidence;
  absl::string_view maturity, revenue_share, essential, stage, segment, role;
};

// "0.35" for 35.
std::string Hundredths(int value) {
  char text[16];
  std::snprintf(text, sizeof(text), "%d.%02d", value / 100, value % 100);
  return text;
}

std::string Date(int year, int month, int day) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", year, month, day);
  return text;
}

// FNV-1a, for remembering keys and names without storing them.
uint64_t Fingerprint(absl::string_view text) {
  uint64_t hash = 1469598103934665603ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

struct ScaleParams {
  bool small = false;
  int local_extra = 0;  // local firms outside the credential pool
  int province = 0;     // firms elsewhere in Guangdong
  int country = 0;      // firms elsewhere in China
  int abroad = 0;       // foreign firms, named ones included
  // Share (%) of firms outside 441900 whose suppliers were surveyed.
  int observed_domestic_pct = 100;
  int observed_abroad_pct = 30;
};

ScaleParams ParamsFor(DemoScale scale) {
  ScaleParams params;
  switch (scale) {
    case DemoScale::kSmall:
      params = {true, 70, 55, 80, 0, 100, 30};
      break;
    case DemoScale::kCity:
      params = {false, 7000, 6000, 7500, 1000, 70, 25};
      break;
    case DemoScale::kNational:
      params = {false, 7000, 150000, 824000, 6000, 100, 25};
      break;
  }
  return params;
}

// The seed-report figure of a slot at this scale.
int Figure(int slot, bool small) {
  int figure = kSlots[slot].figure;
  if (!small || slot == kChainLeaderM) return figure;
  return std::max(1, (figure + 25) / 50);
}

// Suppliers come mostly from the buyer's own zone (rows: buyer zone;
// columns: supplier zone local, province, country, abroad).
constexpr int kSupplierZoneWeights[kZoneCount][kZoneCount] = {
    {50, 20, 25, 5},
    {15, 45, 35, 5},
    {3, 10, 80, 7},
    {2, 5, 40, 53},
};

struct Firm {
  std::string key;
  int16_t region = -1;  // kRegions; -1 abroad
  int8_t country = -1;  // kCountries, synthetic foreign firms
  int8_t named = -1;    // kNamedForeignFirms
  int8_t leader = -1;   // kLeaders
  int8_t revoked = -1;  // kRevokedTerms: an extra revoked credential
  uint8_t zone = kLocal;
  uint8_t product_count = 0;
  uint16_t credentials = 0;  // bit per CredentialSlot, none revoked
  std::array<int16_t, 3> products{};

  bool Has(int slot) const { return (credentials >> slot) & 1; }
  bool Makes(int product) const {
    for (int i = 0; i < product_count; ++i) {
      if (products[i] == product) return true;
    }
    return false;
  }
  absl::string_view CountryCode() const {
    if (named >= 0) return kNamedForeignFirms[named].country;
    if (country >= 0) return kCountries[country].code;
    return "CN";
  }
};

// A weighted choice among products.
struct ProductTable {
  std::vector<int> products;
  std::vector<uint64_t> cumulative;
  void Add(int product, uint64_t weight) {
    products.push_back(product);
    cumulative.push_back((cumulative.empty() ? 0 : cumulative.back()) + weight);
  }
};

// Generates one data set. Not thread-safe; use once.
class Generator {
 public:
  Generator(const DemoOptions& options, Catalogue catalogue)
      : options_(options),
        params_(ParamsFor(options.scale)),
        catalogue_(std::move(catalogue)),
        rng_(options.seed) {
    for (const char* words : kChainWords) {
      chain_words_.push_back(SplitList(words, ';'));
    }
    for (const CountryText& country : kCountries) {
      country_families_.push_back(SplitList(country.families, ';'));
      country_words_.push_back(SplitList(country.words, ';'));
    }
  }

  absl::StatusOr<DemoSummary> Run();

 private:
  // Randomness. All of it comes from rng_, in a fixed order.
  int Uniform(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng_);
  }
  bool Percent(int percent) { return Uniform(0, 99) < percent; }
  bool PerMille(int per_mille) { return Uniform(0, 999) < per_mille; }
  int Weighted(const std::vector<uint64_t>& cumulative) {
    uint64_t r =
        std::uniform_int_distribution<uint64_t>(0, cumulative.back() - 1)(rng_);
    return static_cast<int>(
        std::upper_bound(cumulative.begin(), cumulative.end(), r) -
        cumulative.begin());
  }
  template <typename T>
  void Shuffle(std::vector<T>* items) {
    for (size_t i = items->size(); i > 1; --i) {
      std::swap((*items)[i - 1], (*items)[Uniform(0, static_cast<int>(i - 1))]);
    }
  }

  // Phase 1: firms, credentials, products, consortia and project leads.
  absl::Status CreateFirms();
  std::string NewUscc(absl::string_view region_code);
  std::string NewForeignKeyName(int country);
  absl::Status AssignLocalCredentials();
  void Fill(int slot, int target, const std::vector<int>& candidates,
            uint16_t exclude);
  uint16_t RandomCredentials();
  absl::Status AssignProducts();
  bool Allowed(const Firm& firm, int product) const;
  bool AddProduct(int firm, int product);
  int TakeFirm(std::vector<int>* queue, int product, bool uncredentialed,
               int zone_low, int zone_high);
  absl::Status CheckProducers() const;
  std::vector<int> PickLocalProducers(const std::vector<int>& products, int n);
  absl::Status ChooseLeads();

  // Phase 2: writing.
  absl::Status OpenFiles();
  void WriteCatalogue();
  void WriteFirm(int index);
  void WriteCredential(const Firm& firm, const TermText& term);
  void WriteSupplies(int buyer);
  int PickSupplier(int product, int buyer, const int* weights, bool no_local,
                   const std::vector<int>& chosen);
  void WriteCollaboration();
  void WriteEdge(const EdgeRow& row);
  std::string DomesticName(const Firm& firm, std::string* former_names,
                           std::string* aliases);

  const DemoOptions& options_;
  const ScaleParams params_;
  const Catalogue catalogue_;
  std::mt19937_64 rng_;
  std::vector<std::vector<std::string>> chain_words_;
  std::vector<std::vector<std::string>> country_families_;
  std::vector<std::vector<std::string>> country_words_;

  std::vector<Firm> firms_;
  int local_pool_ = 0;  // firms [0, local_pool_) may hold credentials
  std::array<int, kSlotCount> local_counts_{};
  std::unordered_set<uint64_t> used_keys_;
  std::unordered_set<std::string> foreign_keys_;
  std::unordered_set<uint64_t> used_names_;
  // producers_[product][zone]: firms in assignment order.
  std::vector<std::array<std::vector<int>, kZoneCount>> producers_;
  // Per leader: the input bought from one foreign firm, and that firm.
  std::array<int, kLeaderCount> leader_input_{};
  std::array<int, kLeaderCount> leader_supplier_{};
  std::array<int, kLeaderCount> leader_chain_{};
  // Consortium members (lead first) and project leads.
  std::vector<std::vector<int>> consortium_firms_;
  std::vector<std::string> project_lead_kind_;
  std::vector<std::string> project_lead_key_;

  std::vector<std::pair<int, bool>> inputs_;  // scratch for WriteSupplies

  CsvFile firms_file_, credentials_file_, products_file_, chains_file_,
      chain_products_file_, edges_file_, consortia_file_, platforms_file_,
      industries_file_, projects_file_;
};

std::string Generator::NewUscc(absl::string_view region_code) {
  static constexpr absl::string_view kAlphabet =
      "0123456789ABCDEFGHJKLMNPQRTUWXY";
  while (true) {
    std::string code = absl::StrCat("91", region_code);
    if (Percent(65)) {
      // Codes issued since 2015: "MA" and seven characters.
      code += "MA";
      for (int i = 0; i < 7; ++i) code += kAlphabet[Uniform(0, 30)];
    } else {
      // Older firms keep their organization code: eight digits and a check.
      for (int i = 0; i < 8; ++i)
        code += static_cast<char>('0' + Uniform(0, 9));
      code += Percent(10) ? 'X' : static_cast<char>('0' + Uniform(0, 9));
    }
    code += UsccCheckCharacter(code);
    if (used_keys_.insert(Fingerprint(code)).second) return code;
  }
}

std::string Generator::NewForeignKeyName(int country) {
  static constexpr const char* kPrefixes[] = {
      "", "", "", "", "Nano ", "Micro ", "Fine ", "Smart ", "Advanced "};
  static constexpr const char* kTails[] = {
      " Holdings",   " International", " Global", " Asia",
      " Industries", " Pacific",       " Europe", " Group"};
  const std::vector<std::string>& families = country_families_[country];
  const std::vector<std::string>& words = country_words_[country];
  std::string name;
  for (int attempt = 0; attempt < 60; ++attempt) {
    name = absl::StrCat(
        families[Uniform(0, static_cast<int>(families.size()) - 1)], " ",
        kPrefixes[Uniform(0, 8)],
        words[Uniform(0, static_cast<int>(words.size()) - 1)]);
    if (attempt >= 30) name += kTails[Uniform(0, 7)];
    if (foreign_keys_.insert(name).second) return name;
  }
  for (int n = 2;; ++n) {
    std::string numbered = absl::StrCat(name, " ", n);
    if (foreign_keys_.insert(numbered).second) return numbered;
  }
}

absl::Status Generator::CreateFirms() {
  local_pool_ = Figure(kHighTechN, params_.small) * 13 / 10;
  const int local_total = local_pool_ + params_.local_extra;
  firms_.reserve(
      local_total + params_.province + params_.country +
      std::max<int>(params_.abroad, sizeof(kNamedForeignFirms) /
                                        sizeof(kNamedForeignFirms[0])));
  for (int i = 0; i < local_total; ++i) {
    Firm firm;
    firm.zone = kLocal;
    firm.region = 0;
    if (i < kLeaderCount) {
      firm.leader = static_cast<int8_t>(i);
      firm.key = kLeaders[i].key;
      used_keys_.insert(Fingerprint(firm.key));
    } else {
      firm.key = NewUscc(kRegions[0].code);
    }
    firms_.push_back(std::move(firm));
  }
  for (Zone zone : {kProvince, kCountry}) {
    std::vector<int> regions;
    std::vector<uint64_t> cumulative;
    for (int r = 0; r < kRegionCount; ++r) {
      if (kRegions[r].zone != zone) continue;
      regions.push_back(r);
      cumulative.push_back((cumulative.empty() ? 0 : cumulative.back()) +
                           kRegions[r].weight);
    }
    const int count = zone == kProvince ? params_.province : params_.country;
    for (int i = 0; i < count; ++i) {
      Firm firm;
      firm.zone = zone;
      firm.region = static_cast<int16_t>(regions[Weighted(cumulative)]);
      firm.key = NewUscc(kRegions[firm.region].code);
      firms_.push_back(std::move(firm));
    }
  }
  int named_count = 0;
  for (const NamedFirmText& named : kNamedForeignFirms) {
    Firm firm;
    firm.zone = kAbroad;
    firm.named = static_cast<int8_t>(named_count++);
    firm.key = absl::StrCat("EXT:", named.key_name);
    if (!foreign_keys_.insert(named.key_name).second) {
      return CatalogueError(absl::StrCat("duplicate firm ", firm.key));
    }
    firms_.push_back(std::move(firm));
  }
  std::vector<uint64_t> country_weights;
  for (const CountryText& country : kCountries) {
    country_weights.push_back(
        (country_weights.empty() ? 0 : country_weights.back()) +
        country.weight);
  }
  for (int i = named_count; i < params_.abroad; ++i) {
    Firm firm;
    firm.zone = kAbroad;
    firm.country = static_cast<int8_t>(Weighted(country_weights));
    firm.key = absl::StrCat("EXT:", NewForeignKeyName(firm.country));
    firms_.push_back(std::move(firm));
  }
  return absl::OkStatus();
}

void Generator::Fill(int slot, int target, const std::vector<int>& candidates,
                     uint16_t exclude) {
  if (local_counts_[slot] >= target) return;
  std::vector<int> order = candidates;
  for (size_t i = 0; i < order.size() && local_counts_[slot] < target; ++i) {
    std::swap(order[i],
              order[i + Uniform(0, static_cast<int>(order.size() - 1 - i))]);
    Firm& firm = firms_[order[i]];
    if (firm.leader >= 0 || firm.Has(slot) || (firm.credentials & exclude)) {
      continue;
    }
    firm.credentials |= static_cast<uint16_t>(1u << slot);
    ++local_counts_[slot];
  }
}

// Exact figures by sampling without replacement from nested pools, so that
// the overlaps look like the real lists: little giants are specialized SMEs
// and (mostly) high-tech enterprises, most specialized SMEs are innovative
// SMEs, champions and smart factories are high-tech enterprises.
absl::Status Generator::AssignLocalCredentials() {
  auto set = [&](int firm, int slot) {
    firms_[firm].credentials |= static_cast<uint16_t>(1u << slot);
    ++local_counts_[slot];
  };
  for (int leader = 0; leader < kLeaderCount; ++leader) {
    set(leader, kChainLeaderM);
  }
  set(0, kHighTechN);
  set(1, kHighTechN);
  set(0, kSmartFactoryM);
  set(2, kSmartFactoryP);

  std::vector<int> pool(local_pool_);
  for (int i = 0; i < local_pool_; ++i) pool[i] = i;
  auto holders = [&](std::initializer_list<int> slots) {
    std::vector<int> result;
    for (int i = 0; i < local_pool_; ++i) {
      for (int slot : slots) {
        if (firms_[i].Has(slot)) {
          result.push_back(i);
          break;
        }
      }
    }
    return result;
  };
  auto target = [&](int slot) { return Figure(slot, params_.small); };
  auto bit = [](int slot) { return static_cast<uint16_t>(1u << slot); };

  Fill(kHighTechN, target(kHighTechN), pool, 0);
  const std::vector<int> high_tech = holders({kHighTechN});

  Fill(kChampionN, target(kChampionN), high_tech, 0);
  Fill(kChampionN, target(kChampionN), pool, 0);
  Fill(kChampionP, target(kChampionP), high_tech, bit(kChampionN));
  Fill(kChampionP, target(kChampionP), pool, bit(kChampionN));

  Fill(kLittleGiantN, target(kLittleGiantN) * 95 / 100, high_tech, 0);
  Fill(kLittleGiantN, target(kLittleGiantN), pool, 0);

  const int specialized = target(kSpecializedP);
  Fill(kSpecializedP, std::min(specialized, local_counts_[kLittleGiantN]),
       holders({kLittleGiantN}), 0);
  Fill(kSpecializedP,
       local_counts_[kSpecializedP] +
           (specialized - local_counts_[kSpecializedP]) * 72 / 100,
       high_tech, 0);
  Fill(kSpecializedP, specialized, pool, 0);

  const int innovative = target(kInnovativeP);
  Fill(kInnovativeP, std::min(innovative, specialized * 80 / 100),
       holders({kSpecializedP}), 0);
  Fill(kInnovativeP,
       local_counts_[kInnovativeP] +
           (innovative - local_counts_[kInnovativeP]) / 2,
       high_tech, 0);
  Fill(kInnovativeP, innovative, pool, 0);

  const uint16_t factories =
      bit(kSmartFactoryN) | bit(kSmartFactoryP) | bit(kSmartFactoryM);
  for (int slot : {kSmartFactoryN, kSmartFactoryP, kSmartFactoryM}) {
    const uint16_t others = factories & ~bit(slot);
    Fill(slot, target(slot), holders({kChampionN, kChampionP}), others);
    Fill(slot, target(slot), high_tech, others);
    Fill(slot, target(slot), pool, others);
  }

  for (int slot = 0; slot < kSlotCount; ++slot) {
    if (local_counts_[slot] != target(slot)) {
      return absl::InternalError(absl::StrCat(
          "demo: ", kSlots[slot].kind, "/", kSlots[slot].level, ": ",
          local_counts_[slot], " local firms instead of ", target(slot)));
    }
  }
  // Revoked credentials on top: they change no figure.
  for (int i = kLeaderCount; i < local_pool_; ++i) {
    if (PerMille(30)) {
      firms_[i].revoked =
          static_cast<int8_t>(Uniform(0, kRevokedTermCount - 1));
    }
  }
  for (Firm& firm : firms_) {
    if (firm.zone == kProvince || firm.zone == kCountry) {
      firm.credentials = RandomCredentials();
      if (PerMille(10)) {
        firm.revoked = static_cast<int8_t>(Uniform(0, kRevokedTermCount - 1));
      }
    }
  }
  return absl::OkStatus();
}

uint16_t Generator::RandomCredentials() {
  uint16_t mask = 0;
  auto add = [&](int slot) { mask |= static_cast<uint16_t>(1u << slot); };
  if (Percent(22)) add(kHighTechN);
  if (PerMille(90)) add(kInnovativeP);
  if (PerMille(50)) add(kSpecializedP);
  if (PerMille(6)) {
    add(kLittleGiantN);
    add(kSpecializedP);
    add(kHighTechN);
  }
  if (PerMille(2)) {
    add(kChampionN);
    add(kHighTechN);
  } else if (PerMille(4)) {
    add(kChampionP);
    add(kHighTechN);
  }
  if (PerMille(5)) {
    add(kSmartFactoryP);
  } else if (PerMille(10)) {
    add(kSmartFactoryM);
  }
  return mask;
}

bool Generator::Allowed(const Firm& firm, int product) const {
  const Product& p = catalogue_.products[product];
  switch (p.profile) {
    case Profile::kChoke:
      return firm.zone == kAbroad && firm.CountryCode() == p.choke_country;
    case Profile::kMissing:
    case Profile::kWeak:
      // The one local producer of a weak product is placed by hand.
      return firm.zone != kLocal;
    case Profile::kNormal:
    case Profile::kBreak:
      break;
  }
  if (firm.zone == kAbroad) {
    return p.kind == 'M' || p.kind == 'C' || p.kind == 'E' || p.kind == 'T';
  }
  return true;
}

bool Generator::AddProduct(int firm_index, int product) {
  Firm& firm = firms_[firm_index];
  if (firm.product_count == firm.products.size() || firm.Makes(product)) {
    return false;
  }
  firm.products[firm.product_count++] = static_cast<int16_t>(product);
  producers_[product][firm.zone].push_back(firm_index);
  return true;
}

// Takes a firm without products from the back of *queue (one that has no
// credential at all, when asked), else any firm of zones [zone_low,
// zone_high] with room for one more product. -1 if there is none.
int Generator::TakeFirm(std::vector<int>* queue, int product,
                        bool uncredentialed, int zone_low, int zone_high) {
  for (size_t i = queue->size(); i-- > 0;) {
    const Firm& firm = firms_[(*queue)[i]];
    if (uncredentialed && (firm.credentials != 0 || firm.revoked >= 0)) {
      continue;
    }
    int chosen = (*queue)[i];
    (*queue)[i] = queue->back();
    queue->pop_back();
    return chosen;
  }
  if (uncredentialed) return -1;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    int index = Uniform(0, static_cast<int>(firms_.size()) - 1);
    const Firm& firm = firms_[index];
    if (firm.zone < zone_low || firm.zone > zone_high || firm.leader >= 0 ||
        firm.named >= 0 || firm.product_count == firm.products.size() ||
        firm.Makes(product)) {
      continue;
    }
    return index;
  }
  return -1;
}

absl::Status Generator::AssignProducts() {
  const int product_count = static_cast<int>(catalogue_.products.size());
  producers_.resize(product_count);

  // Fixed products: chain leaders and named foreign firms.
  for (int i = 0; i < static_cast<int>(firms_.size()); ++i) {
    const Firm& firm = firms_[i];
    const char* list = firm.leader >= 0 ? kLeaders[firm.leader].products
                       : firm.named >= 0
                           ? kNamedForeignFirms[firm.named].products
                           : nullptr;
    if (list == nullptr) continue;
    for (const std::string& key : SplitList(list, ',')) {
      int product = catalogue_.Find(key);
      if (product < 0) {
        return CatalogueError(absl::StrCat(firm.key, " makes unknown ", key));
      }
      if (firm.named >= 0 && !Allowed(firm, product) &&
          catalogue_.products[product].profile == Profile::kChoke) {
        return CatalogueError(
            absl::StrCat(firm.key, " cannot make chokepoint ", key));
      }
      AddProduct(i, product);
    }
  }

  std::vector<int> local_queue;
  std::vector<int> outside_queue;
  for (int i = 0; i < static_cast<int>(firms_.size()); ++i) {
    const Firm& firm = firms_[i];
    if (firm.product_count != 0) continue;
    if (firm.zone == kLocal) local_queue.push_back(i);
    if (firm.zone == kProvince || firm.zone == kCountry) {
      outside_queue.push_back(i);
    }
  }
  Shuffle(&local_queue);
  Shuffle(&outside_queue);

  // Guarantees first, so that every gap class exists at every scale. Weak
  // products go first: they need local firms without credentials, which the
  // others would use up at kSmall.
  std::vector<int> order;
  for (int pass = 0; pass < 2; ++pass) {
    for (int product = 0; product < product_count; ++product) {
      bool weak = catalogue_.products[product].profile == Profile::kWeak;
      if (weak == (pass == 0)) order.push_back(product);
    }
  }
  for (int product : order) {
    const Product& p = catalogue_.products[product];
    auto count = [&](int low, int high) {
      size_t n = 0;
      for (int zone = low; zone <= high; ++zone) {
        n += producers_[product][zone].size();
      }
      return static_cast<int>(n);
    };
    if (p.base >= 0) {
      // A variant is made by some makers of its base.
      std::vector<int> makers;
      for (int zone = kLocal; zone <= kCountry; ++zone) {
        for (int firm : producers_[p.base][zone]) makers.push_back(firm);
      }
      Shuffle(&makers);
      bool placed = false;
      for (int firm : makers) {
        if (firms_[firm].named < 0 && firms_[firm].leader < 0 &&
            AddProduct(firm, product)) {
          placed = true;
          break;
        }
      }
      if (!placed) {
        int firm = TakeFirm(&local_queue, product, false, kLocal, kLocal);
        if (firm < 0 || !AddProduct(firm, product)) {
          return absl::InternalError(
              absl::StrCat("demo: no firm left to make ", p.key));
        }
      }
      continue;
    }
    int need_local = 0;
    int need_outside = 0;
    switch (p.profile) {
      case Profile::kNormal:
        need_local = 1;
        need_outside = params_.small ? 0 : 1;
        break;
      case Profile::kMissing:
        need_outside = 2;
        break;
      case Profile::kWeak:
        need_local = 1;
        need_outside = 1;
        break;
      case Profile::kBreak:
        need_local = 2;
        need_outside = 1;
        break;
      case Profile::kChoke:
        if (count(kAbroad, kAbroad) == 0) {
          return CatalogueError(absl::StrCat("no named maker of ", p.key));
        }
        break;
    }
    while (count(kLocal, kLocal) < need_local) {
      int firm = TakeFirm(&local_queue, product, p.profile == Profile::kWeak,
                          kLocal, kLocal);
      if (firm < 0 || !AddProduct(firm, product)) {
        return absl::InternalError(
            absl::StrCat("demo: no local firm left to make ", p.key));
      }
    }
    while (count(kProvince, kCountry) < need_outside) {
      int firm = TakeFirm(&outside_queue, product, false, kProvince, kCountry);
      if (firm < 0 || !AddProduct(firm, product)) {
        return absl::InternalError(
            absl::StrCat("demo: no outside firm left to make ", p.key));
      }
    }
  }

  // Main products of everyone else, by weight.
  ProductTable local_table;
  ProductTable outside_table;
  std::vector<ProductTable> abroad_tables(kCountryCount);
  for (int product = 0; product < product_count; ++product) {
    const Product& p = catalogue_.products[product];
    Firm local;
    local.zone = kLocal;
    Firm outside;
    outside.zone = kCountry;
    if (Allowed(local, product)) local_table.Add(product, p.weight);
    if (Allowed(outside, product)) outside_table.Add(product, p.weight);
    for (int country = 0; country < kCountryCount; ++country) {
      Firm abroad;
      abroad.zone = kAbroad;
      abroad.country = static_cast<int8_t>(country);
      if (Allowed(abroad, product)) {
        abroad_tables[country].Add(product, p.weight);
      }
    }
  }
  for (int i = 0; i < static_cast<int>(firms_.size()); ++i) {
    const Firm& firm = firms_[i];
    if (firm.product_count != 0) continue;
    const ProductTable& table = firm.zone == kLocal ? local_table
                                : firm.zone == kAbroad
                                    ? abroad_tables[firm.country]
                                    : outside_table;
    AddProduct(i, table.products[Weighted(table.cumulative)]);
  }

  // Secondary products: a variant of the main product or another product
  // of its chain.
  for (int i = 0; i < static_cast<int>(firms_.size()); ++i) {
    const Firm& firm = firms_[i];
    if (firm.leader >= 0 || firm.named >= 0) continue;
    int roll = Uniform(0, 99);
    int extra = roll < 40 ? 1 : roll < 60 ? 2 : 0;
    const int main = firm.products[0];
    const Product& main_product = catalogue_.products[main];
    const int family = main_product.base >= 0 ? main_product.base : main;
    const std::vector<int>& family_variants = catalogue_.variants[family];
    const std::vector<int>& chain =
        catalogue_.chain_products[main_product.chain];
    for (int e = 0; e < extra; ++e) {
      for (int attempt = 0; attempt < 6; ++attempt) {
        int candidate;
        if (!family_variants.empty() && Percent(60)) {
          int pick = Uniform(0, static_cast<int>(family_variants.size()));
          candidate = pick == static_cast<int>(family_variants.size())
                          ? family
                          : family_variants[pick];
        } else {
          candidate = chain[Uniform(0, static_cast<int>(chain.size()) - 1)];
        }
        if (Allowed(firm, candidate) && AddProduct(i, candidate)) break;
      }
    }
  }
  return CheckProducers();
}

absl::Status Generator::CheckProducers() const {
  for (size_t product = 0; product < catalogue_.products.size(); ++product) {
    const Product& p = catalogue_.products[product];
    const auto& zones = producers_[product];
    size_t total = 0;
    for (const auto& zone : zones) total += zone.size();
    bool ok = total > 0;
    switch (p.profile) {
      case Profile::kMissing:
        ok = ok && zones[kLocal].empty() &&
             zones[kProvince].size() + zones[kCountry].size() >= 2;
        break;
      case Profile::kWeak:
        ok = ok && zones[kLocal].size() == 1 &&
             firms_[zones[kLocal][0]].credentials == 0;
        break;
      case Profile::kBreak:
        ok = ok && zones[kLocal].size() >= 2 &&
             zones[kProvince].size() + zones[kCountry].size() >= 1;
        break;
      case Profile::kChoke:
        ok = ok && zones[kAbroad].size() == total;
        for (int firm : zones[kAbroad]) {
          ok = ok && firms_[firm].CountryCode() == p.choke_country;
        }
        break;
      case Profile::kNormal:
        break;
    }
    if (!ok) {
      return absl::InternalError(absl::StrCat("demo: producers of ", p.key,
                                              " do not fit its profile"));
    }
  }
  return absl::OkStatus();
}

// Up to n local producers of the products, credentialed firms first; tops
// up with credentialed local firms when the products have too few makers.
std::vector<int> Generator::PickLocalProducers(const std::vector<int>& products,
                                               int n) {
  std::vector<int> makers;
  for (int product : products) {
    for (int firm : producers_[product][kLocal]) makers.push_back(firm);
  }
  std::sort(makers.begin(), makers.end());
  makers.erase(std::unique(makers.begin(), makers.end()), makers.end());
  std::vector<int> credentialed;
  std::vector<int> others;
  for (int firm : makers) {
    (firms_[firm].credentials != 0 ? credentialed : others).push_back(firm);
  }
  Shuffle(&credentialed);
  Shuffle(&others);
  std::vector<int> chosen;
  for (const std::vector<int>* group : {&credentialed, &others}) {
    for (int firm : *group) {
      if (static_cast<int>(chosen.size()) == n) return chosen;
      chosen.push_back(firm);
    }
  }
  for (int attempt = 0; static_cast<int>(chosen.size()) < n && attempt < 10000;
       ++attempt) {
    int firm = Uniform(kLeaderCount, local_pool_ - 1);
    if (firms_[firm].credentials != 0 &&
        std::find(chosen.begin(), chosen.end(), firm) == chosen.end()) {
      chosen.push_back(firm);
    }
  }
  return chosen;
}

absl::Status Generator::ChooseLeads() {
  auto products_of = [&](const char* list) -> absl::StatusOr<std::vector<int>> {
    std::vector<int> products;
    for (const std::string& key : SplitList(list, ',')) {
      int product = catalogue_.Find(key);
      if (product < 0) return CatalogueError(absl::StrCat("unknown ", key));
      products.push_back(product);
    }
    return products;
  };
  for (int leader = 0; leader < kLeaderCount; ++leader) {
    leader_input_[leader] = catalogue_.Find(kLeaders[leader].foreign_input);
    leader_supplier_[leader] = -1;
    leader_chain_[leader] = -1;
    for (int chain = 0; chain < kChainCount; ++chain) {
      if (absl::string_view(kChainTexts[chain].key) == kLeaders[leader].chain) {
        leader_chain_[leader] = chain;
      }
    }
    for (int i = 0; i < static_cast<int>(firms_.size()); ++i) {
      if (firms_[i].named >= 0 &&
          absl::string_view(kNamedForeignFirms[firms_[i].named].key_name) ==
              kLeaders[leader].foreign_supplier) {
        leader_supplier_[leader] = i;
      }
    }
    const int input = leader_input_[leader];
    const int supplier = leader_supplier_[leader];
    bool essential = false;
    if (input >= 0) {
      for (const auto& [in, is_essential] :
           catalogue_.products[firms_[leader].products[0]].inputs) {
        essential = essential || (in == input && is_essential);
      }
    }
    if (input < 0 || supplier < 0 || leader_chain_[leader] < 0 || !essential ||
        !firms_[supplier].Makes(input)) {
      return CatalogueError(
          absl::StrCat("bad foreign supplier of ", kLeaders[leader].key));
    }
  }
  for (const ConsortiumText& consortium : kConsortia) {
    CHAINKG_ASSIGN_OR_RETURN(std::vector<int> products,
                             products_of(consortium.member_products));
    consortium_firms_.push_back(
        PickLocalProducers(products, consortium.firm_members));
    if (consortium_firms_.back().empty()) {
      return absl::InternalError(
          absl::StrCat("demo: no members for ", consortium.key));
    }
  }
  for (const ProjectText& project : kProjects) {
    absl::string_view lead = project.lead;
    if (absl::ConsumePrefix(&lead, "consortium:")) {
      project_lead_kind_.push_back("consortium");
      project_lead_key_.push_back(std::string(lead));
    } else if (absl::ConsumePrefix(&lead, "firm:")) {
      project_lead_kind_.push_back("firm");
      project_lead_key_.push_back(std::string(lead));
    } else if (absl::ConsumePrefix(&lead, "makes:")) {
      CHAINKG_ASSIGN_OR_RETURN(std::vector<int> products,
                               products_of(std::string(lead).c_str()));
      std::vector<int> chosen = PickLocalProducers(products, 1);
      if (chosen.empty()) {
        return absl::InternalError(
            absl::StrCat("demo: no lead for ", project.key));
      }
      project_lead_kind_.push_back("firm");
      project_lead_key_.push_back(firms_[chosen[0]].key);
    } else {
      return CatalogueError(absl::StrCat("bad lead of ", project.key));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

absl::Status Generator::OpenFiles() {
  auto path = [&](const char* name) {
    return absl::StrCat(options_.out_dir, "/", name);
  };
  CHAINKG_RETURN_IF_ERROR(firms_file_.Open(
      path("firms.csv"), {"key", "name", "former_names", "aliases",
                          "region_code", "country", "industry_code"}));
  CHAINKG_RETURN_IF_ERROR(credentials_file_.Open(
      path("credentials.csv"), {"firm_key", "kind", "level", "year", "batch",
                                "valid_from", "valid_to", "status"}));
  CHAINKG_RETURN_IF_ERROR(products_file_.Open(
      path("products.csv"),
      {"key", "name", "aliases", "kind", "key_core_technology"}));
  CHAINKG_RETURN_IF_ERROR(
      chains_file_.Open(path("chains.csv"), {"key", "name", "category"}));
  CHAINKG_RETURN_IF_ERROR(chain_products_file_.Open(
      path("chain_products.csv"),
      {"chain_key", "product_key", "stage", "segment"}));
  CHAINKG_RETURN_IF_ERROR(edges_file_.Open(
      path("edges.csv"),
      {"kind", "from_kind", "from_key", "to_kind", "to_key", "product_key",
       "share", "since", "until", "confidence", "maturity", "revenue_share",
       "essential", "stage", "segment", "role"}));
  CHAINKG_RETURN_IF_ERROR(
      consortia_file_.Open(path("consortia.csv"), {"key", "name"}));
  CHAINKG_RETURN_IF_ERROR(platforms_file_.Open(
      path("platforms.csv"),
      {"key", "name", "type", "level", "region_code", "country"}));
  CHAINKG_RETURN_IF_ERROR(industries_file_.Open(
      path("industries.csv"), {"key", "name", "scheme", "parent_key"}));
  CHAINKG_RETURN_IF_ERROR(projects_file_.Open(
      path("projects.csv"), {"key", "name", "type", "start_date", "end_date"}));
  return absl::OkStatus();
}

void Generator::WriteEdge(const EdgeRow& row) {
  edges_file_.Row({row.kind, row.from_kind, row.from_key, row.to_kind,
                   row.to_key, row.product_key, row.share, row.since, row.until,
                   row.confidence, row.maturity, row.revenue_share,
                   row.essential, row.stage, row.segment, row.role});
}

void Generator::WriteCatalogue() {
  for (const Product& product : catalogue_.products) {
    products_file_.Row({product.key, product.name, product.aliases,
                        ProductKindName(product.kind),
                        product.key_core ? "true" : "false"});
  }
  for (const ChainText& chain : kChainTexts) {
    chains_file_.Row({chain.key, chain.name, chain.category});
  }
  for (const Membership& membership : catalogue_.memberships) {
    chain_products_file_.Row({kChainTexts[membership.chain].key,
                              catalogue_.products[membership.product].key,
                              kStageNames[membership.stage],
                              membership.segment});
  }
  for (const IndustryText* industry : catalogue_.industries) {
    industries_file_.Row({industry->code, industry->name, "GB/T 4754-2017",
                          IndustryParent(industry->code)});
  }
  for (const PlatformText& platform : kPlatforms) {
    platforms_file_.Row({platform.key, platform.name, platform.type,
                         platform.level, kRegions[0].code, "CN"});
  }
  for (const ConsortiumText& consortium : kConsortia) {
    consortia_file_.Row({consortium.key, consortium.name});
  }
  for (const ProjectText& project : kProjects) {
    projects_file_.Row({project.key, project.name, project.type,
                        project.start_date, project.end_date});
  }
  for (const Product& product : catalogue_.products) {
    for (const auto& [input, essential] : product.inputs) {
      EdgeRow row;
      row.kind = "input_to";
      row.from_kind = "product";
      row.from_key = catalogue_.products[input].key;
      row.to_kind = "product";
      row.to_key = product.key;
      row.essential = essential ? "true" : "false";
      WriteEdge(row);
    }
    if (product.base >= 0) {
      EdgeRow row;
      row.kind = "subclass_of";
      row.from_kind = "product";
      row.from_key = product.key;
      row.to_kind = "product";
      row.to_key = catalogue_.products[product.base].key;
      WriteEdge(row);
    }
  }
}

std::string Generator::DomesticName(const Firm& firm, std::string* former_names,
                                    std::string* aliases) {
  constexpr int kBrandCount =
      sizeof(kBrandCharacters) / sizeof(kBrandCharacters[0]);
  const char* prefix = kRegions[firm.region].name_prefix;
  const std::vector<std::string>& words =
      chain_words_[catalogue_.products[firm.products[0]].chain];
  std::string brand;
  std::string word;
  std::string name;
  bool joint_stock = false;
  for (int attempt = 0;; ++attempt) {
    int first = Uniform(0, kBrandCount - 1);
    int second = Uniform(0, kBrandCount - 2);
    if (second >= first) ++second;
    brand = absl::StrCat(kBrandCharacters[first], kBrandCharacters[second]);
    word = words[Uniform(0, static_cast<int>(words.size()) - 1)];
    joint_stock = Percent(20);
    name = absl::StrCat(prefix, brand, word,
                        joint_stock ? "股份有限公司" : "有限公司");
    // Names are unique; after many tries a repeat is accepted rather than
    // looping (it does not happen at the documented scales).
    if (used_names_.insert(Fingerprint(name)).second || attempt >= 20) break;
  }
  former_names->clear();
  aliases->clear();
  if (Percent(12)) {
    // Renamed on becoming a company limited by shares, or on changing
    // business.
    std::string other = words[Uniform(0, static_cast<int>(words.size()) - 1)];
    if (joint_stock) {
      *former_names = absl::StrCat(prefix, brand, word, "有限公司");
    } else if (other != word) {
      *former_names = absl::StrCat(prefix, brand, other, "有限公司");
    }
  }
  if (joint_stock && Percent(60)) {
    // Short name: the brand and the first two characters of the word.
    *aliases = absl::StrCat(brand, word.substr(0, 6));
  }
  return name;
}

void Generator::WriteCredential(const Firm& firm, const TermText& term) {
  const SlotText& slot = kSlots[term.slot];
  credentials_file_.Row({firm.key, slot.kind, slot.level,
                         absl::StrCat(term.year), term.batch, term.valid_from,
                         term.valid_to, term.status});
}

void Generator::WriteFirm(int index) {
  const Firm& firm = firms_[index];
  std::string name;
  std::string former_names;
  std::string aliases;
  if (firm.leader >= 0) {
    name = kLeaders[firm.leader].name;
    former_names = kLeaders[firm.leader].former_name;
    aliases = kLeaders[firm.leader].alias;
  } else if (firm.named >= 0) {
    name = kNamedForeignFirms[firm.named].name;
  } else if (firm.zone == kAbroad) {
    name = absl::StrCat(absl::string_view(firm.key).substr(4),
                        kCountries[firm.country].suffix);
  } else {
    name = DomesticName(firm, &former_names, &aliases);
  }
  const bool domestic = firm.zone != kAbroad;
  const std::string& industry = catalogue_.products[firm.products[0]].industry;
  firms_file_.Row({firm.key, name, former_names, aliases,
                   domestic ? kRegions[firm.region].code : "",
                   firm.CountryCode(), domestic ? industry : ""});

  for (int slot = 0; slot < kSlotCount; ++slot) {
    if (!firm.Has(slot)) continue;
    const TermText* terms[4];
    int term_count = 0;
    for (const TermText& term : kActiveTerms) {
      if (term.slot == slot) terms[term_count++] = &term;
    }
    WriteCredential(firm, *terms[Uniform(0, term_count - 1)]);
  }
  if (firm.revoked >= 0) WriteCredential(firm, kRevokedTerms[firm.revoked]);

  // What the firm makes: the main product carries most of its revenue.
  const int count = firm.product_count;
  int remaining = 100;
  for (int i = 0; i < count; ++i) {
    const int product = firm.products[i];
    int share;
    if (i == 0) {
      share = count == 1 ? Uniform(60, 100) : Uniform(40, 80);
    } else {
      share = Uniform(1, std::max(1, remaining / (count - i)));
    }
    remaining -= share;
    const char* maturity = "mass";
    if (catalogue_.products[product].profile == Profile::kNormal &&
        firm.leader < 0) {
      int roll = Uniform(0, 99);
      if (i == 0) {
        maturity = roll < 92 ? "mass" : roll < 98 ? "pilot" : "rd";
      } else {
        maturity = roll < 70 ? "mass" : roll < 88 ? "pilot" : "rd";
      }
    }
    std::string revenue_share = Hundredths(share);
    EdgeRow row;
    row.kind = "produces";
    row.from_kind = "firm";
    row.from_key = firm.key;
    row.to_kind = "product";
    row.to_key = catalogue_.products[product].key;
    row.maturity = maturity;
    row.revenue_share = revenue_share;
    WriteEdge(row);
  }
  if (domestic) {
    EdgeRow row;
    row.kind = "in_industry";
    row.from_kind = "firm";
    row.from_key = firm.key;
    row.to_kind = "industry";
    row.to_key = industry;
    WriteEdge(row);
  }
  WriteSupplies(index);
}

int Generator::PickSupplier(int product, int buyer, const int* weights,
                            bool no_local, const std::vector<int>& chosen) {
  const auto& lists = producers_[product];
  auto usable = [&](int firm) {
    return firm != buyer &&
           std::find(chosen.begin(), chosen.end(), firm) == chosen.end();
  };
  std::vector<uint64_t> cumulative(kZoneCount);
  uint64_t total = 0;
  for (int zone = 0; zone < kZoneCount; ++zone) {
    if (!lists[zone].empty() && !(no_local && zone == kLocal)) {
      total += weights[zone];
    }
    cumulative[zone] = total;
  }
  if (total > 0) {
    for (int attempt = 0; attempt < 6; ++attempt) {
      int zone = Weighted(cumulative);
      const std::vector<int>& list = lists[zone];
      int firm = list[Uniform(0, static_cast<int>(list.size()) - 1)];
      if (usable(firm)) return firm;
    }
  }
  // Few makers: take the first usable one, outside first when asked.
  for (int pass = 0; pass < 2; ++pass) {
    for (int zone = 0; zone < kZoneCount; ++zone) {
      if (pass == 0 && no_local && zone == kLocal) continue;
      for (int firm : lists[zone]) {
        if (usable(firm)) return firm;
      }
    }
  }
  return -1;
}

// SUPPLIES edges into one buyer: for each input of what it makes, one to
// three suppliers that make that input, with shares of the buyer's need.
void Generator::WriteSupplies(int buyer_index) {
  const Firm& buyer = firms_[buyer_index];
  int observed = buyer.zone == kLocal    ? 100
                 : buyer.zone == kAbroad ? params_.observed_abroad_pct
                                         : params_.observed_domestic_pct;
  if (!Percent(observed)) return;
  inputs_.clear();
  for (int i = 0; i < buyer.product_count; ++i) {
    for (const auto& input : catalogue_.products[buyer.products[i]].inputs) {
      inputs_.push_back(input);
    }
  }
  std::sort(inputs_.begin(), inputs_.end());
  std::vector<int> chosen;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const int product = inputs_[i].first;
    bool essential = inputs_[i].second;
    // An input of several of the buyer's products: essential if any says so.
    while (i + 1 < inputs_.size() && inputs_[i + 1].first == product) {
      ++i;
      essential = essential || inputs_[i].second;
    }
    // A firm making its own input supplies itself; not recorded.
    if (buyer.Makes(product)) continue;
    const Product& p = catalogue_.products[product];
    if (!essential && !Percent(p.base >= 0 ? 5 : 45)) continue;
    const std::string& product_key = p.key;
    if (buyer.leader >= 0 && product == leader_input_[buyer.leader]) {
      EdgeRow row;
      row.kind = "supplies";
      row.from_kind = "firm";
      row.from_key = firms_[leader_supplier_[buyer.leader]].key;
      row.to_kind = "firm";
      row.to_key = buyer.key;
      row.product_key = product_key;
      row.share = "1.00";
      row.since = "2018-03-01";
      row.confidence = "0.95";
      WriteEdge(row);
      continue;
    }
    int roll = Uniform(0, 99);
    int wanted = roll < 38 ? 1 : roll < 75 ? 2 : 3;
    if (buyer.leader >= 0) wanted = Uniform(2, 3);
    // Local buyers of a break-risk product buy most of it outside 441900.
    const bool buys_outside =
        p.profile == Profile::kBreak && buyer.zone == kLocal;
    chosen.clear();
    for (int k = 0; k < wanted; ++k) {
      int supplier =
          PickSupplier(product, buyer_index, kSupplierZoneWeights[buyer.zone],
                       buys_outside && k == 0, chosen);
      if (supplier < 0) break;
      chosen.push_back(supplier);
    }
    int shares[3] = {100, 0, 0};
    if (chosen.size() == 2) {
      shares[0] = buys_outside ? Uniform(70, 90) : Uniform(50, 85);
      shares[1] = 100 - shares[0];
    } else if (chosen.size() == 3) {
      shares[0] = buys_outside ? Uniform(70, 85) : Uniform(40, 70);
      int rest = 100 - shares[0];
      shares[1] = std::max(1, rest * Uniform(50, 80) / 100);
      shares[2] = rest - shares[1];
    }
    for (size_t k = 0; k < chosen.size(); ++k) {
      int year = Uniform(2012, 2025);
      int month = Uniform(1, year == 2025 ? 6 : 12);
      int day = Uniform(1, 28);
      std::string since = Date(year, month, day);
      std::string until;
      if (Percent(3)) {
        int end_year = year + Uniform(1, 3);
        if (end_year < 2025) until = Date(end_year, month, day);
      }
      std::string share = Hundredths(shares[k]);
      std::string confidence =
          Hundredths(buyer.leader >= 0 ? Uniform(85, 100) : Uniform(60, 100));
      EdgeRow row;
      row.kind = "supplies";
      row.from_kind = "firm";
      row.from_key = firms_[chosen[k]].key;
      row.to_kind = "firm";
      row.to_key = buyer.key;
      row.product_key = product_key;
      row.share = share;
      row.since = since;
      row.until = until;
      row.confidence = confidence;
      WriteEdge(row);
    }
  }
}

void Generator::WriteCollaboration() {
  for (int leader = 0; leader < kLeaderCount; ++leader) {
    EdgeRow row;
    row.kind = "leads";
    row.from_kind = "firm";
    row.from_key = kLeaders[leader].key;
    row.to_kind = "chain";
    row.to_key = kChainTexts[leader_chain_[leader]].key;
    WriteEdge(row);
  }
  for (size_t c = 0; c < std::size(kConsortia); ++c) {
    const ConsortiumText& consortium = kConsortia[c];
    for (size_t m = 0; m < consortium_firms_[c].size(); ++m) {
      EdgeRow row;
      row.kind = "member_of";
      row.from_kind = "firm";
      row.from_key = firms_[consortium_firms_[c][m]].key;
      row.to_kind = "consortium";
      row.to_key = consortium.key;
      row.role = m == 0 ? "lead" : "member";
      WriteEdge(row);
    }
    for (const std::string& platform : SplitList(consortium.platforms, ',')) {
      EdgeRow row;
      row.kind = "member_of";
      row.from_kind = "platform";
      row.from_key = platform;
      row.to_kind = "consortium";
      row.to_key = consortium.key;
      row.role = "member";
      WriteEdge(row);
    }
    for (const std::string& product : SplitList(consortium.supports, ',')) {
      EdgeRow row;
      row.kind = "supports";
      row.from_kind = "consortium";
      row.from_key = consortium.key;
      row.to_kind = "product";
      row.to_key = product;
      WriteEdge(row);
    }
  }
  for (const PlatformText& platform : kPlatforms) {
    for (const std::string& product : SplitList(platform.supports, ',')) {
      EdgeRow row;
      row.kind = "supports";
      row.from_kind = "platform";
      row.from_key = platform.key;
      row.to_kind = "product";
      row.to_key = product;
      WriteEdge(row);
    }
  }
  for (size_t p = 0; p < std::size(kProjects); ++p) {
    const ProjectText& project = kProjects[p];
    EdgeRow lead;
    lead.kind = "leads";
    lead.from_kind = project_lead_kind_[p];
    lead.from_key = project_lead_key_[p];
    lead.to_kind = "project";
    lead.to_key = project.key;
    WriteEdge(lead);
    for (const std::string& product : SplitList(project.targets, ',')) {
      EdgeRow row;
      row.kind = "targets";
      row.from_kind = "project";
      row.from_key = project.key;
      row.to_kind = "product";
      row.to_key = product;
      WriteEdge(row);
    }
  }
}

absl::Status CheckCatalogueKeys(const Catalogue& catalogue) {
  auto check = [&](const char* list, absl::string_view owner) {
    for (const std::string& key : SplitList(list, ',')) {
      if (catalogue.Find(key) < 0) {
        return CatalogueError(absl::StrCat(owner, ": unknown product ", key));
      }
    }
    return absl::OkStatus();
  };
  for (const PlatformText& platform : kPlatforms) {
    CHAINKG_RETURN_IF_ERROR(check(platform.supports, platform.key));
  }
  for (const ConsortiumText& consortium : kConsortia) {
    CHAINKG_RETURN_IF_ERROR(check(consortium.supports, consortium.key));
    for (const std::string& platform : SplitList(consortium.platforms, ',')) {
      bool found = false;
      for (const PlatformText& known : kPlatforms) {
        found = found || platform == known.key;
      }
      if (!found) {
        return CatalogueError(
            absl::StrCat(consortium.key, ": unknown platform ", platform));
      }
    }
  }
  for (const ProjectText& project : kProjects) {
    CHAINKG_RETURN_IF_ERROR(check(project.targets, project.key));
  }
  return absl::OkStatus();
}

absl::StatusOr<DemoSummary> Generator::Run() {
  CHAINKG_RETURN_IF_ERROR(CheckCatalogueKeys(catalogue_));
  CHAINKG_RETURN_IF_ERROR(CreateFirms());
  CHAINKG_RETURN_IF_ERROR(AssignLocalCredentials());
  CHAINKG_RETURN_IF_ERROR(AssignProducts());
  CHAINKG_RETURN_IF_ERROR(ChooseLeads());

  CHAINKG_RETURN_IF_ERROR(OpenFiles());
  WriteCatalogue();
  for (int i = 0; i < static_cast<int>(firms_.size()); ++i) WriteFirm(i);
  WriteCollaboration();

  DemoSummary summary;
  summary.firms = firms_file_.rows();
  summary.credentials = credentials_file_.rows();
  summary.products = products_file_.rows();
  summary.chains = chains_file_.rows();
  summary.chain_products = chain_products_file_.rows();
  summary.edges = edges_file_.rows();
  summary.consortia = consortia_file_.rows();
  summary.platforms = platforms_file_.rows();
  summary.industries = industries_file_.rows();
  summary.projects = projects_file_.rows();
  for (CsvFile* file :
       {&firms_file_, &credentials_file_, &products_file_, &chains_file_,
        &chain_products_file_, &edges_file_, &consortia_file_, &platforms_file_,
        &industries_file_, &projects_file_}) {
    CHAINKG_RETURN_IF_ERROR(file->Close());
  }
  return summary;
}

}  // namespace

absl::StatusOr<DemoSummary> GenerateDemo(const DemoOptions& options) {
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("demo: out_dir is empty");
  }
  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error || !std::filesystem::is_directory(options.out_dir, error)) {
    return absl::UnavailableError(
        absl::StrCat(options.out_dir, ": cannot create directory",
                     error ? absl::StrCat(": ", error.message()) : ""));
  }
  CHAINKG_ASSIGN_OR_RETURN(Catalogue catalogue,
                           BuildCatalogue(options.scale != DemoScale::kSmall));
  Generator generator(options, std::move(catalogue));
  return generator.Run();
}

absl::StatusOr<DemoScale> ParseDemoScale(absl::string_view text) {
  std::string name(absl::StripAsciiWhitespace(text));
  absl::AsciiStrToLower(&name);
  if (name == "small") return DemoScale::kSmall;
  if (name == "city") return DemoScale::kCity;
  if (name == "national") return DemoScale::kNational;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown demo scale \"", text, "\" (use small, city or national)"));
}

absl::string_view DemoScaleName(DemoScale scale) {
  switch (scale) {
    case DemoScale::kSmall:
      return "small";
    case DemoScale::kCity:
      return "city";
    case DemoScale::kNational:
      return "national";
  }
  return "city";
}

}  // namespace chainkg::loaders
