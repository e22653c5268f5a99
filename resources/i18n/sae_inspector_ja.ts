<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="92"/>
        <source>About SAE Inspector</source>
        <translation>SAE Inspector について</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="95"/>
        <source>&lt;b&gt;SAE Inspector {0}&lt;/b&gt;&lt;br&gt;Test which sparse-autoencoder features of a defect-detection model drive its verdict, by intervention inside a painted region.</source>
        <translation>&lt;b&gt;SAE Inspector {0}&lt;/b&gt;&lt;br&gt;欠陥検出モデルの判定を左右するスパースオートエンコーダ特徴を、塗った領域内での介入によって検証します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="100"/>
        <source>Gathering diagnostics…</source>
        <translation>診断情報を収集しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="105"/>
        <source>Item</source>
        <translation>項目</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="105"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="113"/>
        <source>Copy to clipboard</source>
        <translation>クリップボードにコピー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="114"/>
        <source>Copy these facts as plain text, for a support request</source>
        <translation>サポート依頼用に、この情報をテキストとしてコピーします</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="117"/>
        <source>Open log folder</source>
        <translation>ログフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="120"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="131"/>
        <source>Diagnostics could not be gathered: {0}</source>
        <translation>診断情報を収集できませんでした: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="144"/>
        <source>Copy these facts into a support request; the log folder holds the detailed log.</source>
        <translation>この情報をサポート依頼に貼り付けてください。詳しいログはログフォルダーにあります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="160"/>
        <source>Copied to the clipboard.</source>
        <translation>クリップボードにコピーしました。</translation>
    </message>
</context>
<context>
    <name>Autosave</name>
    <message>
        <location filename="../../app/ui/autosave.py" line="70"/>
        <source>cannot create {0}.</source>
        <translation>{0} を作成できません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="89"/>
        <source>An earlier session did not close cleanly. Restore its autosaved work (mask, edits, notes)?</source>
        <translation>前回のセッションが正常に終了しませんでした。自動保存された作業(マスク、編集、メモ)を復元しますか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="91"/>
        <source>({0} more after this one.)</source>
        <translation>(このあとにさらに {0} 件あります。)</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="93"/>
        <source>Autosaved {0}.</source>
        <translation>自動保存:{0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="94"/>
        <source>Restore</source>
        <translation>復元</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="94"/>
        <source>Discard</source>
        <translation>破棄</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="151"/>
        <source>Autosave works again.</source>
        <translation>自動保存が再び機能しています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="156"/>
        <source>The last good autosave ({0}) is kept.</source>
        <translation>最後に成功した自動保存({0})は残っています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="157"/>
        <source>Nothing has been autosaved yet.</source>
        <translation>まだ何も自動保存されていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="159"/>
        <source>Autosave is failing: {0} {1} Save the session elsewhere to keep your work.</source>
        <translation>自動保存に失敗しています:{0} {1} 作業を守るため、セッションを別の場所に保存してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="160"/>
        <source>Save session as…</source>
        <translation>名前を付けてセッションを保存…</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../app/ui/banner.py" line="30"/>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>BundleChooser</name>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="49"/>
        <source>(no bundle)</source>
        <translation>(バンドルなし)</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="50"/>
        <location filename="../../app/ui/bundle_chooser.py" line="74"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="62"/>
        <source>Open a model bundle folder</source>
        <translation>モデルバンドルのフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="72"/>
        <source>No default model bundle was found in {0}. Choose a bundle in the bundle box (Browse…), or build one with &apos;make bundle&apos;.</source>
        <translation>{0} に既定のモデルバンドルが見つかりません。バンドル欄(参照…)でバンドルを選ぶか、「make bundle」で作成してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="89"/>
        <source>Opening bundle {0}: {1}…</source>
        <translation>バンドル {0} を開いています: {1}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="93"/>
        <source>Opening bundle {0}…</source>
        <translation>バンドル {0} を開いています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="102"/>
        <source>Bundle opening cancelled; the current bundle stays.</source>
        <translation>バンドルを開くのを取り消しました。現在のバンドルをそのまま使います。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="120"/>
        <source>Could not open bundle {0}: {1}</source>
        <translation>バンドル {0} を開けませんでした: {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="122"/>
        <source>Still using bundle &apos;{0}&apos;.</source>
        <translation>引き続きバンドル「{0}」を使用します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="134"/>
        <source>Your label file could not be read ({0}); it was left untouched.</source>
        <translation>ラベルファイルを読み込めませんでした({0})。ファイルには手を加えていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="146"/>
        <source>{0} {1} (sha {2}…)</source>
        <translation>{0} {1}(sha {2}…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="160"/>
        <source>Backend notice: {0}</source>
        <translation>バックエンドの通知: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="176"/>
        <source>This bundle has no feature dictionary.</source>
        <translation>このバンドルには特徴辞書がありません。</translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <location filename="../../app/ui/canvas.py" line="22"/>
        <source>defect map, before</source>
        <translation>欠陥マップ(編集前)</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="23"/>
        <source>defect map, after</source>
        <translation>欠陥マップ(編集後)</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="24"/>
        <source>after − before</source>
        <translation>編集後 − 編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="25"/>
        <source>latent activation / reference</source>
        <translation>潜在特徴の活性 / 基準値</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="31"/>
        <source>  [per-image stretch]</source>
        <translation>  [画像ごとに伸張]</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="32"/>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="33"/>
        <source>Platform</source>
        <translation>プラットフォーム</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="34"/>
        <source>Backend · device · provider in use</source>
        <translation>使用中のバックエンド・デバイス・プロバイダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="35"/>
        <source>ONNX Runtime providers loaded</source>
        <translation>読み込まれた ONNX Runtime プロバイダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="36"/>
        <source>ONNX Runtime providers available</source>
        <translation>利用可能な ONNX Runtime プロバイダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="37"/>
        <source>torch CUDA</source>
        <translation>torch の CUDA</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="38"/>
        <source>CUDA libraries</source>
        <translation>CUDA ライブラリ</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="39"/>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="40"/>
        <source>Model bundle</source>
        <translation>モデルバンドル</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="41"/>
        <source>Backend notice</source>
        <translation>バックエンドの通知</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="42"/>
        <source>Data folder</source>
        <translation>データフォルダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="43"/>
        <source>Log folder</source>
        <translation>ログフォルダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="44"/>
        <source>Log file</source>
        <translation>ログファイル</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="45"/>
        <source>Executable</source>
        <translation>実行ファイル</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="48"/>
        <source> (packaged)</source>
        <translation>(パッケージ版)</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="49"/>
        <source> (from source)</source>
        <translation>(ソースから実行)</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="50"/>
        <source>not in this build</source>
        <translation>このビルドには含まれていません</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="51"/>
        <source>none found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="52"/>
        <source>not checked</source>
        <translation>未確認</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="53"/>
        <source>installed</source>
        <translation>インストール済み</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="54"/>
        <source>torch not in this build</source>
        <translation>このビルドには torch が含まれていません</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="73"/>
        <source>not available</source>
        <translation>利用できません</translation>
    </message>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="75"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>DictionaryBrowser</name>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="32"/>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="33"/>
        <source>label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="34"/>
        <source>automatic label</source>
        <translation>自動ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="35"/>
        <source>frequency</source>
        <translation>発火頻度</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="36"/>
        <source>best AP</source>
        <translation>最高 AP</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="37"/>
        <source>best class</source>
        <translation>最良クラス</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="38"/>
        <source>fires hardest on</source>
        <translation>最も強く発火する部位</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="58"/>
        <source>Feature dictionary</source>
        <translation>特徴辞書</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="65"/>
        <source>Filter by id or label…</source>
        <translation>ID またはラベルで絞り込み…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="69"/>
        <source>Import JSON…</source>
        <translation>JSON を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="70"/>
        <source>Import CSV…</source>
        <translation>CSV を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="71"/>
        <source>Export JSON…</source>
        <translation>JSON に書き出す…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="72"/>
        <source>Export CSV…</source>
        <translation>CSV に書き出す…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="90"/>
        <source>Where the latent fires hardest: the share of its strongest held-out parts whose strongest patch lies in each defect type (ok: in good texture). Sorting orders by the largest share in one defect type.</source>
        <translation>潜在変数が最も強く発火する部位：最も強く発火した保留部品のうち、最大パッチが各欠陥種別に含まれる割合（ok：良品のテクスチャ）。並べ替えは単一の欠陥種別の最大割合の順。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="97"/>
        <source>Label for all selected latents (empty clears)</source>
        <translation>選択したすべての潜在特徴に付けるラベル(空欄で消去)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="98"/>
        <source>Apply to selected</source>
        <translation>選択項目に適用</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="107"/>
        <source>Click a latent to see its examples.</source>
        <translation>潜在特徴をクリックすると、その例が表示されます。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="118"/>
        <source>activation histogram (positive activations)</source>
        <translation>活性のヒストグラム(正の活性のみ)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="122"/>
        <source>Add to the latent panel</source>
        <translation>潜在特徴パネルに追加</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="194"/>
        <source>#{0}  {1}
fires on {2:.2%} of patches · reference (p99) {3:.3g}</source>
        <translation>#{0}  {1}
パッチの {2:.2%} で発火 · 基準値 (p99) {3:.3g}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="206"/>
        <source>top example</source>
        <translation>上位の例</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="206"/>
        <source>random positive example</source>
        <translation>無作為に選んだ正の例</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="214"/>
        <source>Import labels</source>
        <translation>ラベルを読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="226"/>
        <source>Imported {0} labels and notes.</source>
        <translation>{0} 件のラベルとメモを読み込みました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="230"/>
        <source>Export labels</source>
        <translation>ラベルを書き出す</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="238"/>
        <source>Exported to {0}</source>
        <translation>{0} に書き出しました</translation>
    </message>
</context>
<context>
    <name>EffectsController</name>
    <message>
        <location filename="../../app/ui/effects_controller.py" line="39"/>
        <source>Open a part image first.</source>
        <translation>先に部品画像を開いてください。</translation>
    </message>
</context>
<context>
    <name>EffectsPanel</name>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="79"/>
        <source>Rank latents in region</source>
        <translation>領域内の潜在特徴を効果順に並べる</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="80"/>
        <source>Switch each of the region&apos;s most active latents off in the region alone, and compare the change in score with random controls</source>
        <translation>領域で最も活性の高い潜在特徴をひとつずつ領域内だけでオフにし、スコアの変化を無作為な対照と比べます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="84"/>
        <source>top</source>
        <translation>上位</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="88"/>
        <source>How many latents to test (the most active in the region)</source>
        <translation>検証する潜在特徴の数(領域内で活性の高い順)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="90"/>
        <source>controls</source>
        <translation>対照</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="94"/>
        <source>Random controls of each kind (random latents, random directions)</source>
        <translation>種類ごとの無作為対照の数(無作為な潜在特徴、無作為な方向)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="96"/>
        <source>seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="99"/>
        <source>The same seed draws the same controls</source>
        <translation>同じシードからは同じ対照が選ばれます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="102"/>
        <location filename="../../app/ui/effects_panel.py" line="184"/>
        <source>latent</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="105"/>
        <source>Latent for the dose–response and injection tests (click a bar to choose one)</source>
        <translation>強度応答と注入テストの対象とする潜在特徴(棒をクリックして選択)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="108"/>
        <location filename="../../app/ui/effects_panel.py" line="198"/>
        <source>Dose–response</source>
        <translation>強度応答</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="109"/>
        <source>Score and class probabilities as the latent is scaled from −range to +range in the region</source>
        <translation>領域内で潜在特徴を −範囲 から +範囲 まで倍率を変えたときのスコアとクラス確率</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="112"/>
        <source>range ±</source>
        <translation>範囲 ±</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="118"/>
        <source>points</source>
        <translation>点数</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="123"/>
        <location filename="../../app/ui/effects_panel.py" line="215"/>
        <source>Injection test</source>
        <translation>注入テスト</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="124"/>
        <source>Set the latent to r × its reference activation in the region: does it alone create a defect verdict?</source>
        <translation>領域内で潜在特徴を基準活性の r 倍に設定します。それだけで不良判定になるかを調べます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="128"/>
        <source>r</source>
        <translation>r</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="136"/>
        <source>Paint a region (or use the whole image), then rank its latents by measured effect.</source>
        <translation>領域を塗り(または画像全体のまま)、潜在特徴を実測した効果の順に並べてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="143"/>
        <source>Effect of switching each latent off in the region</source>
        <translation>各潜在特徴を領域内でオフにしたときの効果</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="153"/>
        <location filename="../../app/ui/effects_panel.py" line="184"/>
        <source>Δ score</source>
        <translation>Δ スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="154"/>
        <source>latents, largest effect first</source>
        <translation>潜在特徴(効果の大きい順)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="167"/>
        <source>activation in region</source>
        <translation>領域内の活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="184"/>
        <source>label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="184"/>
        <source>activation</source>
        <translation>活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="184"/>
        <source>pct vs controls</source>
        <translation>対照内の百分位</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="185"/>
        <source>specific</source>
        <translation>局所的</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="207"/>
        <source>strength (× the latent&apos;s activation in the region)</source>
        <translation>強度(領域内での潜在特徴の活性に対する倍率)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="208"/>
        <source>score / probability</source>
        <translation>スコア / 確率</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="218"/>
        <location filename="../../app/ui/effects_panel.py" line="260"/>
        <source>Not run yet.</source>
        <translation>まだ実行していません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="268"/>
        <source>Ranking: {0} latents and {1} + {1} controls…</source>
        <translation>順位付け中: 潜在特徴 {0} 個と対照 {1} + {1} 個…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="272"/>
        <source>Dose–response of latent #{0}…</source>
        <translation>潜在特徴 #{0} の強度応答を計算中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="276"/>
        <source>Injecting latent #{0} at r = {1:g}…</source>
        <translation>潜在特徴 #{0} を r = {1:g} で注入中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="280"/>
        <source>Failed: {0}</source>
        <translation>失敗しました: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="364"/>
        <source>random latents p05–p95 (line: median)</source>
        <translation>無作為な潜在特徴 p05–p95(線: 中央値)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="365"/>
        <source>random directions p05–p95 (line: median)</source>
        <translation>無作為な方向 p05–p95(線: 中央値)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="379"/>
        <source>Δ score when switched off</source>
        <translation>オフにしたときの Δ スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="381"/>
        <source>unspecific (changes the map outside the region)</source>
        <translation>非局所的(領域外のマップも変化)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="382"/>
        <source>activation in region (right axis)</source>
        <translation>領域内の活性(右軸)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="394"/>
        <source>the whole image</source>
        <translation>画像全体</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="394"/>
        <source>the painted region ({0} patches)</source>
        <translation>塗った領域({0} パッチ)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="396"/>
        <source>Ranked {0} latents in {1} against {2} + {3} controls (seed {4}) in {5:.0f} ms; {6} beat the controls&apos; 95th percentile; {7} unspecific.</source>
        <translation>{1}の潜在特徴 {0} 個を対照 {2} + {3} 個(シード {4})と比べて {5:.0f} ms で順位付けしました。対照の 95 パーセンタイルを超えたもの {6} 個、非局所的なもの {7} 個。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="406"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="406"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="426"/>
        <source>defect score</source>
        <translation>欠陥スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="428"/>
        <source>threshold {0:.2f}</source>
        <translation>しきい値 {0:.2f}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="431"/>
        <source>0 off</source>
        <translation>0 オフ</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="431"/>
        <source>1 unchanged</source>
        <translation>1 変更なし</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="439"/>
        <source>latent #{0} {1}</source>
        <translation>潜在特徴 #{0} {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="442"/>
        <source>Dose–response of latent #{0} ({1}): score {2:.3f} when off, {3:.3f} unchanged, from {4:.3f} to {5:.3f} over ±{6:g}.</source>
        <translation>潜在特徴 #{0}({1})の強度応答: オフでスコア {2:.3f}、変更なしで {3:.3f}、±{6:g} の範囲で {4:.3f} から {5:.3f}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="450"/>
        <source>&lt;b&gt;creates a defect verdict&lt;/b&gt;</source>
        <translation>&lt;b&gt;不良判定を生じさせます&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="451"/>
        <source>does not create a defect verdict</source>
        <translation>不良判定は生じません</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="453"/>
        <source>unspecific: it changes the map outside the region too</source>
        <translation>非局所的: 領域外のマップも変化させます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="454"/>
        <source>specific to the region</source>
        <translation>領域に局所的です</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="456"/>
        <source>Latent #{0} ({1}) set to {2:g} × reference ({3:.3g}) in the region:&lt;br&gt;score &lt;b&gt;{4:.3f}&lt;/b&gt; vs baseline {5:.3f} (Δ {6}), threshold {7:.2f}: {8}.&lt;br&gt;Percentile vs {9} random latents injected the same way: {10} (|Δ|), {11} (signed); controls&apos; Δ p05–p95 {12} … {13}.&lt;br&gt;{14}.</source>
        <translation>潜在特徴 #{0}({1})を領域内で基準値({3:.3g})の {2:g} 倍に設定:&lt;br&gt;スコア &lt;b&gt;{4:.3f}&lt;/b&gt;(元の値 {5:.3f}、Δ {6})、しきい値 {7:.2f}: {8}。&lt;br&gt;同様に注入した無作為な潜在特徴 {9} 個の中での百分位: {10}(|Δ|)、{11}(符号付き)。対照の Δ p05–p95: {12} … {13}。&lt;br&gt;{14}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="465"/>
        <source>Injection of latent #{0} done in {1:.0f} ms.</source>
        <translation>潜在特徴 #{0} の注入を {1:.0f} ms で完了しました。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <location filename="../../app/ui/error_text.py" line="24"/>
        <source>An inference backend is not available on this PC ({detail}).</source>
        <translation>この PC では推論バックエンドを利用できません({detail})。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="25"/>
        <source>A setting is out of range: {detail}</source>
        <translation>設定値が範囲外です: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="26"/>
        <source>Unknown backend &apos;{backend}&apos;: choose auto, torch or onnx.</source>
        <translation>不明なバックエンド「{backend}」です。auto、torch、onnx のいずれかを選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="27"/>
        <source>The bundle&apos;s feature dictionary cannot be used: {detail}</source>
        <translation>バンドルの特徴辞書を使用できません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="28"/>
        <source>An edit is not valid: {detail}</source>
        <translation>編集内容が正しくありません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="29"/>
        <source>A file in the bundle cannot be read: {detail}</source>
        <translation>バンドル内のファイルを読み込めません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="30"/>
        <source>The bundle file &apos;{path}&apos; is corrupt or was changed (its SHA-256 does not match the manifest).</source>
        <translation>バンドルのファイル「{path}」が壊れているか変更されています(SHA-256 がマニフェストと一致しません)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="31"/>
        <source>The image cannot be analysed: {detail}</source>
        <translation>この画像は解析できません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="32"/>
        <source>The label file cannot be used: {detail}</source>
        <translation>ラベルファイルを使用できません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="33"/>
        <source>The report language &apos;{lang}&apos; is not available.</source>
        <translation>レポートの言語「{lang}」は利用できません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="34"/>
        <source>The bundle&apos;s manifest (bundle.json) is not valid: {detail}</source>
        <translation>バンドルのマニフェスト(bundle.json)が正しくありません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="35"/>
        <source>The session file cannot be used: {detail}</source>
        <translation>セッションファイルを使用できません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="36"/>
        <source>Cancelled; nothing was written.</source>
        <translation>キャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="37"/>
        <source>Latent {latent} is edited twice; give one edit per latent.</source>
        <translation>潜在特徴 {latent} が二重に編集されています。潜在特徴ごとに編集は 1 つにしてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="38"/>
        <source>{path} already exists.</source>
        <translation>{path} は既に存在します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="39"/>
        <source>The bundle names the file &apos;{path}&apos;, which lies outside the bundle folder; it was refused.</source>
        <translation>バンドルがフォルダー外のファイル「{path}」を指定しているため、読み込みを拒否しました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="40"/>
        <source>The bundle names the file &apos;{path}&apos;, whose type is not allowed in a bundle; it was refused.</source>
        <translation>バンドルが許可されていない種類のファイル「{path}」を指定しているため、読み込みを拒否しました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="41"/>
        <source>The report font is missing or unreadable; reinstall the application. ({detail})</source>
        <translation>レポート用フォントが見つからないか読み込めません。アプリケーションを再インストールしてください。({detail})</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="42"/>
        <source>{name} is not a readable image, or it is damaged. ({detail})</source>
        <translation>{name} は読み込める画像ではないか、破損しています。({detail})</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="43"/>
        <source>{name} is empty (0 bytes).</source>
        <translation>{name} は空です(0 バイト)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="44"/>
        <source>The image was not found: {path}</source>
        <translation>画像が見つかりません: {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="45"/>
        <source>{name} is too large to analyse.</source>
        <translation>{name} は大きすぎて解析できません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="46"/>
        <source>{name} cannot be read. ({detail})</source>
        <translation>{name} を読み込めません。({detail})</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="47"/>
        <source>Latent {latent} does not exist: this SAE has latents 0 to {last}.</source>
        <translation>潜在特徴 {latent} は存在しません。この SAE の潜在特徴は 0 〜 {last} です。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="48"/>
        <source>The bundle file &apos;{path}&apos; is missing.</source>
        <translation>バンドルのファイル「{path}」がありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="49"/>
        <source>No inference backend could run this bundle. ({detail})</source>
        <translation>このバンドルを実行できる推論バックエンドがありません。({detail})</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="50"/>
        <source>No model bundle is loaded, or the folder is not a bundle: choose one in the bundle box. ({detail})</source>
        <translation>モデルバンドルが読み込まれていないか、フォルダーがバンドルではありません。バンドル欄で選んでください。({detail})</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="51"/>
        <source>No image has been analysed yet: open a part image first.</source>
        <translation>まだ画像が解析されていません。先に部品画像を開いてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="52"/>
        <source>{path} is a folder; give a file name such as findings.pdf.</source>
        <translation>{path} はフォルダーです。findings.pdf のようなファイル名を指定してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="53"/>
        <source>The SAE does not belong to this ViT: {detail}</source>
        <translation>この SAE はこの ViT 用ではありません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="54"/>
        <source>The SAE weights do not match the manifest: {detail}</source>
        <translation>SAE の重みがマニフェストと一致しません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="55"/>
        <source>The SAE&apos;s encoding differs from what this app computes: {detail}</source>
        <translation>SAE のエンコード方式がこのアプリの計算と異なります: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="56"/>
        <source>The bundle has schema_version {found}; this app reads {expected}.</source>
        <translation>このバンドルの schema_version は {found} ですが、このアプリが読めるのは {expected} です。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="57"/>
        <source>The session file was not found: {path}</source>
        <translation>セッションファイルが見つかりません: {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="58"/>
        <source>The image changed before this could run; run it again.</source>
        <translation>実行前に画像が切り替わりました。もう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="59"/>
        <source>The ViT configuration is not valid: {detail}</source>
        <translation>ViT の構成が正しくありません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="60"/>
        <source>The ViT weights do not match the configuration: {detail}</source>
        <translation>ViT の重みが構成と一致しません: {detail}</translation>
    </message>
    <message>
        <location filename="../../app/ui/error_text.py" line="61"/>
        <source>The file could not be written (no permission, a full disk, or a missing folder): {detail}</source>
        <translation>ファイルを書き込めませんでした(権限がない、ディスクが満杯、またはフォルダーがありません): {detail}</translation>
    </message>
</context>
<context>
    <name>ExemplarStrip</name>
    <message>
        <location filename="../../app/ui/latent_card.py" line="55"/>
        <source>no exemplars in the dictionary</source>
        <translation>辞書に代表例がありません</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <location filename="../../app/ui/export_controller.py" line="33"/>
        <source>Open a part image before exporting findings.</source>
        <translation>所見をエクスポートする前に部品画像を開いてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="54"/>
        <source>Replace the file?</source>
        <translation>ファイルを置き換えますか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="55"/>
        <source>{0} already exists. Replace it with the new report?</source>
        <translation>{0} は既に存在します。新しいレポートで置き換えますか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="93"/>
        <source>Export cancelled; {0} was kept.</source>
        <translation>エクスポートを取り消しました。{0} はそのまま残しています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="128"/>
        <source>Findings written to {0} ({1} pages).</source>
        <translation>所見を {0} に書き出しました({1} ページ)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="129"/>
        <source>Open PDF</source>
        <translation>PDF を開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="131"/>
        <source>Findings exported to {0}</source>
        <translation>所見を {0} にエクスポートしました</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="133"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>エクスポートを取り消しました。何も書き込まれていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="135"/>
        <source>Export failed: {0}</source>
        <translation>エクスポートに失敗しました: {0}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="60"/>
        <source>Export findings</source>
        <translation>所見をエクスポート</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="65"/>
        <source>Your name or id</source>
        <translation>氏名または ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="67"/>
        <source>Line or station</source>
        <translation>ラインまたはステーション</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="69"/>
        <source>Serial or lot number of the part</source>
        <translation>部品のシリアル番号またはロット番号</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="71"/>
        <source>Notes for the report (your language; the session notes are pre-filled)</source>
        <translation>レポートに載せるメモ(任意の言語。セッションのメモが入力済みです)</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="78"/>
        <source>Language of the report&apos;s fixed texts; your notes are printed as written</source>
        <translation>レポートの定型文の言語(メモは入力したとおりに印刷されます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="83"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="88"/>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="89"/>
        <source>Line / station</source>
        <translation>ライン / ステーション</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="90"/>
        <source>Part id</source>
        <translation>部品 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="91"/>
        <source>Notes</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="92"/>
        <source>Report language</source>
        <translation>レポートの言語</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="93"/>
        <source>PDF file</source>
        <translation>PDF ファイル</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="96"/>
        <source>Export</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="97"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="105"/>
        <source>Export findings as PDF</source>
        <translation>所見を PDF にエクスポート</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="105"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ExportProgress</name>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="177"/>
        <source>Exporting findings</source>
        <translation>所見をエクスポート中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="178"/>
        <source>Preparing the report…</source>
        <translation>レポートを準備しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="179"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="186"/>
        <source>Cancelling…</source>
        <translation>キャンセルしています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="193"/>
        <source>Writing the findings report: {0}</source>
        <translation>所見レポートを作成中: {0}</translation>
    </message>
</context>
<context>
    <name>ExportStage</name>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="154"/>
        <source>measuring</source>
        <translation>計測中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="155"/>
        <source>measuring the edits</source>
        <translation>編集の効果を計測中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="156"/>
        <source>collecting exemplars</source>
        <translation>代表例を収集中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="157"/>
        <source>drawing figures</source>
        <translation>図を描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="158"/>
        <source>drawing the defect maps</source>
        <translation>欠陥マップを描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="159"/>
        <source>drawing the causal analyses</source>
        <translation>因果分析の図を描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="160"/>
        <source>laying out the pages</source>
        <translation>ページをレイアウト中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="161"/>
        <source>writing the file</source>
        <translation>ファイルを書き込み中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="162"/>
        <source>done</source>
        <translation>完了</translation>
    </message>
</context>
<context>
    <name>HeatmapControls</name>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="16"/>
        <source>Heatmap</source>
        <translation>ヒートマップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="18"/>
        <source> overlay </source>
        <translation> 重ね表示 </translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="21"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="22"/>
        <source>defect map · before</source>
        <translation>欠陥マップ · 編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="23"/>
        <source>defect map · after</source>
        <translation>欠陥マップ · 編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="24"/>
        <source>difference (after − before)</source>
        <translation>差分(編集後 − 編集前)</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="25"/>
        <source>latent activation</source>
        <translation>潜在特徴の活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="29"/>
        <source>Heatmap on the canvas (Ctrl+1..5)</source>
        <translation>キャンバスに重ねるヒートマップ(Ctrl+1〜5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="35"/>
        <source>Latent whose activation map is shown</source>
        <translation>活性マップを表示する潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="42"/>
        <source>Colormap (the difference view always uses blue–white–red)</source>
        <translation>カラーマップ(差分表示は常に青–白–赤)</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="45"/>
        <source> opacity </source>
        <translation> 不透明度 </translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="52"/>
        <source>per-image stretch</source>
        <translation>画像ごとに伸張</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_controls.py" line="54"/>
        <source>Stretch the colours to this image&apos;s own range. Off: a fixed 0–1 scale, so a good part never looks hot.</source>
        <translation>色の範囲をこの画像の値の範囲に合わせます。オフのときは 0–1 の固定スケールなので、良品が赤く見えることはありません。</translation>
    </message>
</context>
<context>
    <name>ImageDocuments</name>
    <message>
        <location filename="../../app/ui/image_documents.py" line="76"/>
        <source>Open a part image</source>
        <translation>部品画像を開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="76"/>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</source>
        <translation>画像 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="82"/>
        <source>Open a folder of part images</source>
        <translation>部品画像のフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="90"/>
        <source>{0} holds no part images.</source>
        <translation>{0} には部品画像がありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="111"/>
        <source>No model bundle is loaded: choose one in the bundle box first.</source>
        <translation>モデルバンドルが読み込まれていません。先にバンドル欄で選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="113"/>
        <source>Analysing {0}…</source>
        <translation>{0} を解析しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="162"/>
        <source>SAE Inspector — {0}</source>
        <translation>SAE Inspector — {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="163"/>
        <source>Analysed {0} in {1:.0f} ms</source>
        <translation>{0} を {1:.0f} ms で解析しました</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="165"/>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
</context>
<context>
    <name>LatentCard</name>
    <message>
        <location filename="../../app/ui/latent_card.py" line="92"/>
        <source>Your label for this latent (saved for this bundle; the automatic one is: {0})</source>
        <translation>この潜在特徴に付けるあなたのラベル(このバンドル用に保存されます。自動ラベル: {0})</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="94"/>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="95"/>
        <source>Switch the latent off inside the region</source>
        <translation>領域内でこの潜在特徴をオフにします</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="98"/>
        <source>map</source>
        <translation>マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="99"/>
        <source>Show this latent&apos;s activation map on the canvas</source>
        <translation>この潜在特徴の活性マップをキャンバスに表示します</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="110"/>
        <source>Remove from the list (resets its edit)</source>
        <translation>一覧から外します(編集は元に戻ります)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="131"/>
        <source>fires hardest on: {0} (of its {1} strongest test parts)</source>
        <translation>最も強く発火する部位: {0}（最も強いテスト部品 {1} 点のうち）</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="138"/>
        <source>Top activations in the training set, then random ones</source>
        <translation>学習セットでの最大活性化、続いて無作為な活性化</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="142"/>
        <source>Strength inside the region: 1 unchanged, 0 off, negative inverts, above 1 amplifies</source>
        <translation>領域内の強度: 1 で変更なし、0 でオフ、負の値で反転、1 より大きいと増幅</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="148"/>
        <source>strength</source>
        <translation>強度</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="152"/>
        <source>inject</source>
        <translation>注入</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="153"/>
        <source>Set the latent to a fixed value in the region, also where it was silent</source>
        <translation>領域内でこの潜在特徴を一定の値に設定します(発火していなかった場所にも)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="159"/>
        <source> × ref</source>
        <translation> × 基準</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="160"/>
        <source>Value in units of the latent&apos;s reference activation (p99)</source>
        <translation>潜在特徴の基準活性 (p99) を単位とした値</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="183"/>
        <source>not active in this region</source>
        <translation>この領域では発火していません</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="188"/>
        <source>in {0:.2f} · out {1:.2f} · fires on {2:.0%} of patches</source>
        <translation>領域内 {0:.2f} · 領域外 {1:.2f} · パッチの {2:.0%} で発火</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="195"/>
        <source>A dense latent: it fires on many patches (background)</source>
        <translation>高頻度の潜在特徴: 多くのパッチで発火します(背景)</translation>
    </message>
</context>
<context>
    <name>LatentPanel</name>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="53"/>
        <source>Latents in the region</source>
        <translation>領域内の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="56"/>
        <source>Reset all</source>
        <translation>すべて元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="57"/>
        <source>Restore every latent (Ctrl+R)</source>
        <translation>すべての潜在特徴を元に戻します(Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="59"/>
        <source>Dictionary…</source>
        <translation>辞書…</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="67"/>
        <source>Find a latent by id or label (e.g. scratch)…</source>
        <translation>ID またはラベルで潜在特徴を検索(例: scratch)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="72"/>
        <source>hide dense (&gt;10%)</source>
        <translation>高頻度を隠す(&gt;10%)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="73"/>
        <source>Hide latents that fire on more than 10% of patches (background features)</source>
        <translation>パッチの 10% を超えて発火する潜在特徴(背景の特徴)を隠します</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="95"/>
        <source>Open an image to list its latents.</source>
        <translation>画像を開くと潜在特徴が一覧表示されます。</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="119"/>
        <source>Latents in the whole image</source>
        <translation>画像全体の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="119"/>
        <source>Latents in the painted region</source>
        <translation>塗った領域の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="155"/>
        <source>No latent is more active in this region than in the rest of the image.</source>
        <translation>この領域で画像の他の部分より強く活性化する潜在変数はありません。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="80"/>
        <source>SAE Inspector</source>
        <translation>SAE Inspector</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="155"/>
        <source>No image open. Open a part image (Ctrl+O), drop one here, or pick a sample.</source>
        <translation>画像が開かれていません。部品画像を開く(Ctrl+O)か、ここにドロップするか、サンプルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="171"/>
        <source>Model bundles in model_store/; Browse… opens any bundle folder</source>
        <translation>model_store/ 内のモデルバンドル。「参照…」で任意のバンドルフォルダーを開けます</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="175"/>
        <source>Notes on this part (saved with the session)</source>
        <translation>この部品についてのメモ(セッションと一緒に保存されます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="182"/>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="188"/>
        <source>Latents</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190"/>
        <source>Effects</source>
        <translation>効果</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="198"/>
        <source>no backend</source>
        <translation>バックエンドなし</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="200"/>
        <source>Inference backend · device · provider in use, and the last update&apos;s latency</source>
        <translation>使用中の推論バックエンド・デバイス・プロバイダーと、直近の更新にかかった時間</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="205"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="214"/>
        <source>bundle</source>
        <translation>バンドル</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="232"/>
        <source>computing…</source>
        <translation>計算中…</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <location filename="../../app/ui/menus.py" line="39"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="40"/>
        <source>Open image…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="41"/>
        <source>Open folder…</source>
        <translation>フォルダーを開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="42"/>
        <source>Open sample</source>
        <translation>サンプルを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="43"/>
        <source>Recent images</source>
        <translation>最近使った画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="44"/>
        <source>Next image</source>
        <translation>次の画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="45"/>
        <source>Previous image</source>
        <translation>前の画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="47"/>
        <source>Open bundle…</source>
        <translation>バンドルを開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="49"/>
        <source>Save session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="50"/>
        <source>Save session as…</source>
        <translation>名前を付けてセッションを保存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="51"/>
        <source>Load session…</source>
        <translation>セッションを読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="53"/>
        <source>Export findings…</source>
        <translation>所見をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="54"/>
        <source>Write a PDF report of this part, the region, the edits and the results</source>
        <translation>この部品、領域、編集内容と結果を PDF レポートに出力します</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="56"/>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="58"/>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="59"/>
        <source>Undo mask edit</source>
        <translation>マスクの編集を元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="60"/>
        <source>Redo mask edit</source>
        <translation>マスクの編集をやり直す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="62"/>
        <source>Clear mask</source>
        <translation>マスクを消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="63"/>
        <source>Invert mask</source>
        <translation>マスクを反転</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="64"/>
        <source>Load mask PNG…</source>
        <translation>マスク PNG を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="65"/>
        <source>Use ground truth as mask</source>
        <translation>正解領域をマスクにする</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="66"/>
        <source>Mask from defect map…</source>
        <translation>欠陥マップからマスクを作成…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="68"/>
        <source>Smaller brush</source>
        <translation>ブラシを小さく</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="69"/>
        <source>Larger brush</source>
        <translation>ブラシを大きく</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="71"/>
        <source>Reset all latents</source>
        <translation>すべての潜在特徴を元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="73"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="74"/>
        <source>Fit to window</source>
        <translation>ウィンドウに合わせる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="76"/>
        <source>No heatmap</source>
        <translation>ヒートマップなし</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="76"/>
        <source>Defect map before</source>
        <translation>欠陥マップ(編集前)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="76"/>
        <source>Defect map after</source>
        <translation>欠陥マップ(編集後)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="77"/>
        <source>Difference</source>
        <translation>差分</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="77"/>
        <source>Latent activation</source>
        <translation>潜在特徴の活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="80"/>
        <source>Toggle mask filled/outline</source>
        <translation>マスクの塗りつぶし/輪郭を切り替え</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="81"/>
        <source>Show ground truth outline</source>
        <translation>正解領域の輪郭を表示</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="84"/>
        <source>Per-image stretch</source>
        <translation>画像ごとに伸張</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="86"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="87"/>
        <source>Dictionary browser…</source>
        <translation>辞書ブラウザー…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="88"/>
        <source>Reconstruction only (SAE faithfulness view)</source>
        <translation>再構成のみ(SAE の忠実度を確認)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="91"/>
        <source>Clear score history</source>
        <translation>スコア履歴を消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="93"/>
        <source>Rank latents in region</source>
        <translation>領域内の潜在特徴を効果順に並べる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="94"/>
        <source>Dose–response of the chosen latent</source>
        <translation>選んだ潜在特徴の強度応答</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="95"/>
        <source>Injection test of the chosen latent</source>
        <translation>選んだ潜在特徴の注入テスト</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="97"/>
        <source>Effects panel</source>
        <translation>効果パネル</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="100"/>
        <source>&amp;Settings</source>
        <translation>設定(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="101"/>
        <source>Language (after restart)</source>
        <translation>言語(再起動後に反映)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="104"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="113"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="114"/>
        <location filename="../../app/ui/menus.py" line="161"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="115"/>
        <source>About / Diagnostics…</source>
        <translation>バージョン情報 / 診断…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="126"/>
        <source>(no samples installed)</source>
        <translation>(サンプルがインストールされていません)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="134"/>
        <source>(none yet)</source>
        <translation>(まだありません)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="142"/>
        <source>The language changes when SAE Inspector is started again.</source>
        <translation>言語は SAE Inspector を再起動すると切り替わります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="151"/>
        <source>Zoom</source>
        <translation>ズーム</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="151"/>
        <source>mouse wheel</source>
        <translation>マウスホイール</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="152"/>
        <source>Pan</source>
        <translation>移動</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="152"/>
        <source>middle button drag, or Space + drag</source>
        <translation>中ボタンでドラッグ、または Space + ドラッグ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="153"/>
        <source>Brush size</source>
        <translation>ブラシの大きさ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="153"/>
        <source>[ and ], or Alt + drag</source>
        <translation>[ と ]、または Alt + ドラッグ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="154"/>
        <source>Close polygon</source>
        <translation>多角形を閉じる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="154"/>
        <source>double-click or Enter; Esc cancels</source>
        <translation>ダブルクリックまたは Enter。Esc で取り消し</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="155"/>
        <source>Erase with rectangle / fill</source>
        <translation>矩形 / 塗りつぶしで消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="155"/>
        <source>Shift + drag / Shift + click</source>
        <translation>Shift + ドラッグ / Shift + クリック</translation>
    </message>
</context>
<context>
    <name>PaintTools</name>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="16"/>
        <location filename="../../app/ui/paint_tools.py" line="22"/>
        <source>Paint</source>
        <translation>塗る</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="22"/>
        <source>Paint the region (1)</source>
        <translation>領域を塗ります (1)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="23"/>
        <source>Erase</source>
        <translation>消す</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="23"/>
        <source>Erase from the region (2)</source>
        <translation>領域から消します (2)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="24"/>
        <source>Fill</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="24"/>
        <source>Flood-fill an enclosed area (3; Shift+click empties it)</source>
        <translation>囲まれた部分を塗りつぶします(3。Shift+クリックで空にします)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="25"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="25"/>
        <source>Drag a rectangle (4; Shift erases)</source>
        <translation>ドラッグで矩形を描きます(4。Shift で消去)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="26"/>
        <source>Polygon</source>
        <translation>多角形</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="26"/>
        <source>Click corners, double-click or Enter closes (5)</source>
        <translation>角をクリックし、ダブルクリックまたは Enter で閉じます (5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="27"/>
        <source>Pan</source>
        <translation>移動</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="27"/>
        <source>Pan and zoom only (6); Space+drag pans in any tool</source>
        <translation>移動とズームのみ(6)。どのツールでも Space+ドラッグで移動できます</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="40"/>
        <source> brush </source>
        <translation> ブラシ </translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="44"/>
        <source>Brush radius: [ and ] change it, Alt+drag sets it</source>
        <translation>ブラシの半径: [ と ] で変更、Alt+ドラッグで設定</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="48"/>
        <source> mask </source>
        <translation> マスク </translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="50"/>
        <source>filled</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="51"/>
        <source>outline</source>
        <translation>輪郭</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="52"/>
        <source>Draw the region filled or as an outline (M toggles)</source>
        <translation>領域を塗りつぶしまたは輪郭で表示します(M で切り替え)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="59"/>
        <source>Opacity of the filled region</source>
        <translation>塗った領域の不透明度</translation>
    </message>
</context>
<context>
    <name>RegionTools</name>
    <message>
        <location filename="../../app/ui/region_tools.py" line="41"/>
        <source>Region: painting…</source>
        <translation>領域: 塗っています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="55"/>
        <source>Region: the whole image (nothing painted). Paint to choose a region.</source>
        <translation>領域: 画像全体(何も塗られていません)。塗って領域を選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="57"/>
        <source>Region: painted, {0:.1%} of the image</source>
        <translation>領域: 塗った部分(画像の {0:.1%})</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="71"/>
        <source>Load a mask PNG</source>
        <translation>マスク PNG を読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="95"/>
        <source>Mask from defect map</source>
        <translation>欠陥マップからマスクを作成</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="95"/>
        <source>Region where the defect map (before) reaches:</source>
        <translation>欠陥マップ(編集前)がこの値以上になる領域:</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <location filename="../../app/ui/results.py" line="83"/>
        <source>{0} · {1:.0f} ms</source>
        <translation>{0} · {1:.0f} ms</translation>
    </message>
</context>
<context>
    <name>SessionFiles</name>
    <message>
        <location filename="../../app/ui/session_files.py" line="48"/>
        <source>Save session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="48"/>
        <location filename="../../app/ui/session_files.py" line="67"/>
        <source>Session (*.json)</source>
        <translation>セッション (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="62"/>
        <source>Session saved to {0}</source>
        <translation>セッションを {0} に保存しました</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="67"/>
        <source>Load session</source>
        <translation>セッションを読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="82"/>
        <source>This session was recorded with bundle &apos;{0}&apos; {1}; the current bundle is &apos;{2}&apos;. Latent ids may mean something else.</source>
        <translation>このセッションはバンドル「{0}」{1} で記録されましたが、現在のバンドルは「{2}」です。潜在特徴の ID が別の意味を持つ可能性があります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="101"/>
        <source>The image file changed since the session was saved (SHA-256 differs).</source>
        <translation>セッションの保存後に画像ファイルが変更されています(SHA-256 が異なります)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="114"/>
        <source>Session restored from {0}</source>
        <translation>{0} からセッションを復元しました</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="45"/>
        <source>before</source>
        <translation>編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="48"/>
        <source>after</source>
        <translation>編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="53"/>
        <source>Change of the defect score caused by the edits</source>
        <translation>編集による欠陥スコアの変化</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="59"/>
        <source>threshold</source>
        <translation>しきい値</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="64"/>
        <source>Score at or above which a part is called defective. Raw scores never change.</source>
        <translation>このスコア以上で不良と判定します。スコアそのものは変わりません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="67"/>
        <source>bundle default</source>
        <translation>バンドルの既定値</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="68"/>
        <source>Back to the bundle&apos;s threshold</source>
        <translation>バンドルのしきい値に戻します</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="80"/>
        <source>class probabilities (grey before, orange after)</source>
        <translation>クラス確率(灰色: 編集前、橙色: 編集後)</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="95"/>
        <source>score history</source>
        <translation>スコアの履歴</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="124"/>
        <source>DEFECT</source>
        <translation>不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="125"/>
        <source>OK</source>
        <translation>良品</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="156"/>
        <source>no edit</source>
        <translation>編集なし</translation>
    </message>
</context>
</TS>
