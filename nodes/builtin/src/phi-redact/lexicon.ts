/**
 * Word lists the detectors lean on. Surnames are the most common in Japan (about half the population
 * carries one of them); rarer names are caught by context (様・さん・氏, 氏名：, 主治医) instead.
 */
export const SURNAMES = `佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 斉藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉木 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 谷口 今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉 岩崎 菅原 木下 久保 佐野 野村 松尾 市川 菊地 杉本 古川 大西 島田 水野 桜井 高野 渡部 吉川 山内 西田 飯田 菅野 西川 小松 北村 安田 五十嵐 川口 平田 関 中田 久保田 服部 東 岩田 土屋 川村 福島 本田 辻 樋口 秋山 田口 永井 山中 中西 吉村 川上 石原 大橋 松岡 馬場 浅野 荒木 大久保 野田 小沢 小澤 田辺 川崎 松下 内藤 大川 熊谷 望月 堀 石橋 宮田 小池 須藤 岩本 片山 山岸 星野 黒田 堀内 今村 松浦 大島 鎌田 松村 早川 小田 北川 桑原 矢野 尾崎 吉岡 西山 森本 広瀬 廣瀬 荒井 平井 川島 横田 吉野 大石 中沢 栗原 小西 吉原 西尾 堤 大谷 高山 上原 富田 三宅 前川 根本 南 奥村 竹田 中尾 宮下 松永 片岡 内山 永田 北野 平山 河合 細川 関口 篠原 中谷 伊東 三上 荻野 滝沢 大森 福井 小原 浜田 濱田 坂口 本間 矢田 宮内 堀田 奥田 長田 浅井 上村 新田 大内 森川 田島 松原 竹中 窪田 植田 神田 宮川 志村 足立 茂木 稲垣 米田 金井 大竹 戸田 笠原 白石 須田 今野 小谷 山根 榎本 岡 水谷 相馬 大山 川端 岡崎 沢田 澤田 成田 中井 古田 秋元 横井 安藤 及川 堀江 大城 比嘉 金城 宮城 新垣 知念`.split(/\s+/);

export const GIVEN_NAMES = `太郎 次郎 三郎 一郎 健一 健太 翔太 大輔 拓也 直樹 浩 誠 隆 修 学 茂 清 実 勇 明 博 進 正 豊 和夫 正男 勝 弘 昭 稔 蓮 悠真 湊 陽翔 大翔 花子 恵子 洋子 幸子 和子 節子 京子 由美子 美穂 裕子 真由美 陽子 久美子 智子 直美 明美 愛 結衣 陽菜 美咲 さくら 葵 凛 芽依 はな ゆい みゆき さとみ 春子 秋子 キヨ ハル トメ`.split(/\s+/);

/** Words that take 様・さん but name no one: 「患者様」「ご家族様」「担当医さん」. */
export const NOT_NAMES = /^(長男|長女|次男|次女|三男|三女|夫|妻|兄|姉|弟|妹|祖父|祖母|義母|義父|嫁|婿|友人|知人|隣人|患者|ご?家族|ご?本人|担当|主治医|看護師|医師|皆|みな|お客|奥|旦那|ご主人|娘|息子|お?子|お?孫|お?父|お?母|ご?両親|先方|同室者|お隣|ドクター|技師|薬剤師|ケアマネ|ヘルパー|利用者|入所者|相手|貴院|先生|院長|部長|課長|各位|〇〇|○○|某)$/;

/**
 * Words that stand before 様・さん・医師・先生 in notes without being anyone's name: occupations (「看護婦さん」
 * 「歯医者さん」「駅員さん」), duty roles (「当直医師」), time words (「以前医師に」「今日先生が」), 「赤ちゃん」. Matched at the end
 * of the candidate, so 「薬旦那さん」 (薬 + 旦那) is caught too.
 */
export const NOT_NAME_ENDINGS = /(看護婦|看護士|看護師|歯医者|医者|駅員|店員|運転手|薬剤師|保健師|助産師|介護士|栄養士|技師|ヘルパー|ケアマネ|旦那|奥|嫁|婿|お医者|当直|当番|担当|主治|研修|専門|指導|上級|救急|外来|病棟|夜勤|日勤|以前|今日|昨日|本日|先日|後日|翌日|翌朝|当日|今回|前回|毎回|再度|その後|後|赤|有|回|同)$/;

export const PREFECTURES = `北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県`.split(/\s+/);

export const ENGLISH_GIVEN = `John James Robert Michael William David Richard Joseph Thomas Charles Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Emma Olivia Daniel Paul Mark George Anna Maria Peter Kevin Laura Lisa Nancy`.split(/\s+/);
