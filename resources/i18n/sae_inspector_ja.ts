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
        <location filename="../../app/ui/about_dialog.py" line="172"/>
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
        <location filename="../../app/ui/autosave.py" line="152"/>
        <source>Autosave works again.</source>
        <translation>自動保存が再び機能しています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="157"/>
        <source>The last good autosave ({0}) is kept.</source>
        <translation>最後に成功した自動保存({0})は残っています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="158"/>
        <source>Nothing has been autosaved yet.</source>
        <translation>まだ何も自動保存されていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="160"/>
        <source>Autosave is failing: {0} {1} Save the session elsewhere to keep your work.</source>
        <translation>自動保存に失敗しています:{0} {1} 作業を守るため、セッションを別の場所に保存してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/autosave.py" line="161"/>
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
        <location filename="../../app/ui/bundle_chooser.py" line="45"/>
        <source>{0} (unreadable manifest)</source>
        <translation>{0}(マニフェストを読めません)</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="53"/>
        <source>(no bundle)</source>
        <translation>(バンドルなし)</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="54"/>
        <location filename="../../app/ui/bundle_chooser.py" line="85"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="66"/>
        <source>Open a model bundle folder</source>
        <translation>モデルバンドルのフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="83"/>
        <source>No default model bundle was found in {0}. Choose a bundle in the bundle box (Browse…), or build one with &apos;make bundle&apos;.</source>
        <translation>{0} に既定のモデルバンドルが見つかりません。バンドル欄(参照…)でバンドルを選ぶか、「make bundle」で作成してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="100"/>
        <source>Opening bundle {0}: {1}…</source>
        <translation>バンドル {0} を開いています: {1}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="104"/>
        <source>Opening bundle {0}…</source>
        <translation>バンドル {0} を開いています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="113"/>
        <source>Bundle opening cancelled; the current bundle stays.</source>
        <translation>バンドルを開くのを取り消しました。現在のバンドルをそのまま使います。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="131"/>
        <source>Could not open bundle {0}: {1}</source>
        <translation>バンドル {0} を開けませんでした: {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="133"/>
        <source>Still using bundle &apos;{0}&apos;.</source>
        <translation>引き続きバンドル「{0}」を使用します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="146"/>
        <source>Your label file could not be read ({0}); it was left untouched.</source>
        <translation>ラベルファイルを読み込めませんでした({0})。ファイルには手を加えていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="159"/>
        <source>{0} {1} (sha {2}…)</source>
        <translation>{0} {1}(sha {2}…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="177"/>
        <source>Backend notice: {0}</source>
        <translation>バックエンドの通知: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/bundle_chooser.py" line="193"/>
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
        <source>after − before (evidence)</source>
        <translation>編集後 − 編集前(根拠)</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="26"/>
        <source>evidence map (measured)</source>
        <translation>根拠マップ(実測)</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="27"/>
        <source>evidence map (measured), before</source>
        <translation>根拠マップ(実測)、編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="28"/>
        <source>evidence map (measured), after</source>
        <translation>根拠マップ(実測)、編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="29"/>
        <source>latent activation / reference</source>
        <translation>潜在特徴の活性 / 基準値</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="32"/>
        <source>fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="33"/>
        <source>per-image stretch</source>
        <translation>画像ごとのストレッチ</translation>
    </message>
    <message>
        <location filename="../../app/ui/canvas.py" line="34"/>
        <source>custom</source>
        <translation>カスタム</translation>
    </message>
</context>
<context>
    <name>CompareController</name>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="98"/>
        <source>Bundle B: {0}</source>
        <translation>バンドル B: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="118"/>
        <source>A: no bundle</source>
        <translation>A: バンドルなし</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="122"/>
        <source>A: {0} {1} (sha {2}…)</source>
        <translation>A: {0} {1} (sha {2}…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="127"/>
        <source>Measure on the open folder ({0} parts)</source>
        <translation>開いているフォルダーで測定({0} 点)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="129"/>
        <source>Compare on the open folder ({0} parts)</source>
        <translation>開いているフォルダーで比較({0} 点)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="141"/>
        <source>Open bundle B</source>
        <translation>バンドル B を開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="153"/>
        <source>Open bundle A in the inspector first.</source>
        <translation>先にインスペクターでバンドル A を開いてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="157"/>
        <source>{0} cannot be compared with A: {1}</source>
        <translation>{0} は A と比較できません: {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="165"/>
        <source>Could not open bundle B: {0}</source>
        <translation>バンドル B を開けませんでした: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="167"/>
        <source>Opening bundle B ({0})…</source>
        <translation>バンドル B を開いています({0})…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="184"/>
        <source>Bundle B cannot be compared with A: {0}</source>
        <translation>バンドル B は A と比較できません: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="190"/>
        <source>sha {0}…</source>
        <translation>sha {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="191"/>
        <source>B: {0} {1} opened.</source>
        <translation>B: {0} {1} を開きました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="194"/>
        <source>It is not the bundle the session compared with (another hash).</source>
        <translation>セッションが比較したバンドルではありません(ハッシュが異なります)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="223"/>
        <source>Bundle A changed and cannot be compared with B: {0}</source>
        <translation>バンドル A が変わったため B と比較できません: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="231"/>
        <source>Analysing the part in both models…</source>
        <translation>両方のモデルで部品を解析しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="286"/>
        <source>Wait for the running comparison to finish, or cancel it.</source>
        <translation>実行中の比較が終わるまで待つか、キャンセルしてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="305"/>
        <source>Measuring counterparts on {0} parts…</source>
        <translation>{0} 点の部品で対応を測定しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="314"/>
        <source>Measure the counterparts first.</source>
        <translation>先に対応を測定してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="328"/>
        <source>Switching off {0}&apos;s #{1} and its counterpart…</source>
        <translation>{0} の #{1} と対応する潜在特徴をオフにしています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="350"/>
        <source>Comparing both models on {0} parts…</source>
        <translation>{0} 点の部品で両方のモデルを比較しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="358"/>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="363"/>
        <source>Measuring counterparts</source>
        <translation>対応を測定中</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="363"/>
        <source>Comparing the folder</source>
        <translation>フォルダーを比較中</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="364"/>
        <source>{0}: {1} of {2} parts…</source>
        <translation>{0}: {2} 点中 {1} 点…</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="379"/>
        <source>Cancelled; nothing was changed.</source>
        <translation>キャンセルしました。何も変更されていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="393"/>
        <source>A&apos;s edits: {0}. B&apos;s edits: {1}.</source>
        <translation>A の編集: {0}。B の編集: {1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="395"/>
        <source>Not carried to B: {0} ({1}).</source>
        <translation>B に移せなかった編集: {0}({1})。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="410"/>
        <source>Counterparts by activation correlation over {0:,} patches of {1} shared parts (r at least {2:.2f}): {3} of A&apos;s {4} firing latents and {5} of B&apos;s {6} have one.</source>
        <translation>共通の部品 {1} 点の {0:,} パッチでの活性相関による対応(r が {2:.2f} 以上): A の発火する潜在特徴 {4} 個のうち {3} 個、B の {6} 個のうち {5} 個に対応があります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="413"/>
        <source>Counterparts measured on {0} parts.</source>
        <translation>{0} 点の部品で対応を測定しました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="434"/>
        <source>Folder compared: {0} parts, {1} changed verdict.</source>
        <translation>フォルダーを比較しました: {0} 点、判定が変わったもの {1} 点。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_controller.py" line="456"/>
        <source>The session compared with bundle {0}, which is not at {1}; choose it as B.</source>
        <translation>セッションはバンドル {0} と比較していましたが、{1} にはありません。B として選んでください。</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <location filename="../../app/ui/compare_window.py" line="38"/>
        <source>Compare two bundles — SAE Inspector</source>
        <translation>2 つのバンドルを比較 — SAE Inspector</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="43"/>
        <source>A: no bundle</source>
        <translation>A: バンドルなし</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="47"/>
        <source>B:</source>
        <translation>B:</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="66"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="75"/>
        <source>Side by side</source>
        <translation>並べて表示</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="76"/>
        <source>Counterparts</source>
        <translation>対応する潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="77"/>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="87"/>
        <source>(choose bundle B)</source>
        <translation>(バンドル B を選択)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="92"/>
        <source>{0} — cannot be compared</source>
        <translation>{0} — 比較できません</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="94"/>
        <source>Cannot be compared: {0}</source>
        <translation>比較できません: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_window.py" line="99"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
</context>
<context>
    <name>CounterpartView</name>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="63"/>
        <source>Counterparts not measured yet.</source>
        <translation>対応はまだ測定していません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="66"/>
        <source>Measure on the open folder</source>
        <translation>開いているフォルダーで測定</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="67"/>
        <source>Correlate both SAEs&apos; activations over every patch of the folder&apos;s parts (cached per bundle pair and set of parts)</source>
        <translation>フォルダー内の部品の全パッチで両方の SAE の活性の相関を取ります(バンドルの組と部品の組ごとにキャッシュ)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="76"/>
        <source>{0}&apos;s latents in the region</source>
        <translation>領域内の {0} の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="81"/>
        <source>Switch off with its counterpart</source>
        <translation>対応する潜在特徴とともにオフ</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="85"/>
        <source>controls of each kind</source>
        <translation>各種類の対照</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="104"/>
        <source>latent</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="104"/>
        <source>Σ region</source>
        <translation>Σ 領域</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="104"/>
        <source>counterpart in {0}</source>
        <translation>{0} での対応</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="105"/>
        <source>mutual</source>
        <translation>相互</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="135"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="135"/>
        <source>never fires on the shared parts</source>
        <translation>共通の部品では発火しません</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="137"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="181"/>
        <source>{0}: no counterpart to switch off</source>
        <translation>{0}: オフにする対応がありません</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="185"/>
        <source>{0}&apos;s #{1} off: Δscore {2:+.4f}, p = {3:.3f} vs random latents, p = {4:.3f} vs random directions, {5} the controls&apos; mean |Δ|{6}</source>
        <translation>{0} の #{1} をオフ: Δスコア {2:+.4f}、無作為な潜在特徴に対し p = {3:.3f}、無作為な方向に対し p = {4:.3f}、対照の平均 |Δ| の {5}{6}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="188"/>
        <source>; the verdict flips</source>
        <translation>。判定が反転します</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="189"/>
        <source>{0}&apos;s #{1} off against {0}&apos;s controls</source>
        <translation>{0} の #{1} をオフ({0} の対照と比較)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="192"/>
        <source>Both beat their own controls and move the score the same way.</source>
        <translation>両方がそれぞれの対照を上回り、スコアを同じ向きに動かします。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_counterparts.py" line="193"/>
        <source>They do not both beat their controls in the same direction.</source>
        <translation>両方が同じ向きで対照を上回ってはいません。</translation>
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
        <location filename="../../app/ui/dictionary_browser.py" line="39"/>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="40"/>
        <source>label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="41"/>
        <source>automatic label</source>
        <translation>自動ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="42"/>
        <source>frequency</source>
        <translation>発火頻度</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="43"/>
        <source>best AP</source>
        <translation>最高 AP</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="44"/>
        <source>best class</source>
        <translation>最良クラス</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="45"/>
        <source>fires hardest on</source>
        <translation>最も強く発火する部位</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="46"/>
        <source>level</source>
        <translation>レベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="69"/>
        <source>Feature dictionary</source>
        <translation>特徴辞書</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="81"/>
        <source>Search by id or label, best match first…</source>
        <translation>ID またはラベルで検索(一致度の高い順)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="86"/>
        <source>order: by id</source>
        <translation>並び順: ID 順</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="88"/>
        <source>order: coarse to fine (Matryoshka levels)</source>
        <translation>並び順: 粗から細(マトリョーシカのレベル)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="89"/>
        <source>order: most general first (by frequency)</source>
        <translation>並び順: 一般的なものから(頻度順)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="90"/>
        <source>A Matryoshka dictionary&apos;s first latents are its coarsest; later levels refine them</source>
        <translation>マトリョーシカ辞書では先頭の潜在特徴が最も粗く、後のレベルがそれを細かくします</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="94"/>
        <source>Import JSON…</source>
        <translation>JSON を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="95"/>
        <source>Import CSV…</source>
        <translation>CSV を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="96"/>
        <source>Export JSON…</source>
        <translation>JSON に書き出す…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="97"/>
        <source>Export CSV…</source>
        <translation>CSV に書き出す…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="120"/>
        <source>Where the latent fires hardest: the share of its strongest held-out parts whose strongest patch lies in each defect type (ok: in good texture). Sorting orders by the largest share in one defect type.</source>
        <translation>潜在変数が最も強く発火する部位：最も強く発火した保留部品のうち、最大パッチが各欠陥種別に含まれる割合（ok：良品のテクスチャ）。並べ替えは単一の欠陥種別の最大割合の順。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="127"/>
        <source>Label for all selected latents (empty clears)</source>
        <translation>選択したすべての潜在特徴に付けるラベル(空欄で消去)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="128"/>
        <source>Apply to selected</source>
        <translation>選択項目に適用</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="137"/>
        <source>Click a latent to see its examples.</source>
        <translation>潜在特徴をクリックすると、その例が表示されます。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="148"/>
        <source>activation histogram (positive activations)</source>
        <translation>活性のヒストグラム(正の活性のみ)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="152"/>
        <source>Add to the latent panel</source>
        <translation>潜在特徴パネルに追加</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="257"/>
        <source>#{0}  {1}
fires on {2:.2%} of patches · reference (p99) {3:.3g}</source>
        <translation>#{0}  {1}
パッチの {2:.2%} で発火 · 基準値 (p99) {3:.3g}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="269"/>
        <source>top example</source>
        <translation>上位の例</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="269"/>
        <source>random positive example</source>
        <translation>無作為に選んだ正の例</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="277"/>
        <source>Import labels</source>
        <translation>ラベルを読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="289"/>
        <source>Imported {0} labels and notes.</source>
        <translation>{0} 件のラベルとメモを読み込みました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="293"/>
        <source>Export labels</source>
        <translation>ラベルを書き出す</translation>
    </message>
    <message>
        <location filename="../../app/ui/dictionary_browser.py" line="301"/>
        <source>Exported to {0}</source>
        <translation>{0} に書き出しました</translation>
    </message>
</context>
<context>
    <name>EffectsController</name>
    <message>
        <location filename="../../app/ui/effects_controller.py" line="57"/>
        <source>Open a part image first.</source>
        <translation>先に部品画像を開いてください。</translation>
    </message>
</context>
<context>
    <name>EffectsPanel</name>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="59"/>
        <source>Rank latents in region</source>
        <translation>領域内の潜在特徴を効果順に並べる</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="60"/>
        <source>Switch each of the region&apos;s most active latents off in the region alone, and compare the change in score with random controls</source>
        <translation>領域で最も活性の高い潜在特徴をひとつずつ領域内だけでオフにし、スコアの変化を無作為な対照と比べます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="74"/>
        <source>top</source>
        <translation>上位</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="66"/>
        <source>How many latents to test (the most active in the region)</source>
        <translation>検証する潜在特徴の数(領域内で活性の高い順)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="70"/>
        <source>Random controls of each kind (random latents, random directions)</source>
        <translation>種類ごとの無作為対照の数(無作為な潜在特徴、無作為な方向)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="74"/>
        <source>controls of each kind</source>
        <translation>各種類の対照</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="75"/>
        <source>seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="73"/>
        <source>The same seed draws the same controls</source>
        <translation>同じシードからは同じ対照が選ばれます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="79"/>
        <source>Latent for the dose–response and injection tests (click a bar to choose one)</source>
        <translation>強度応答と注入テストの対象とする潜在特徴(棒をクリックして選択)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="81"/>
        <location filename="../../app/ui/effects_panel.py" line="130"/>
        <source>Dose–response</source>
        <translation>強度応答</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="82"/>
        <source>Score and class probabilities as the latent is scaled from −range to +range in the region</source>
        <translation>領域内で潜在特徴を −範囲 から +範囲 まで倍率を変えたときのスコアとクラス確率</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="94"/>
        <location filename="../../app/ui/effects_panel.py" line="157"/>
        <source>Injection test</source>
        <translation>注入テスト</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="112"/>
        <location filename="../../app/ui/effects_panel.py" line="209"/>
        <source>Paint a region (or use the whole image), then rank its latents by measured effect.</source>
        <translation>領域を塗り(または画像全体のまま)、潜在特徴を実測した効果の順に並べてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="119"/>
        <source>Effect of switching each latent off in the region</source>
        <translation>各潜在特徴を領域内でオフにしたときの効果</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="140"/>
        <source>strength (× the latent&apos;s activation in the region)</source>
        <translation>強度(領域内での潜在特徴の活性に対する倍率)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="141"/>
        <source>score / probability</source>
        <translation>スコア / 確率</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="160"/>
        <location filename="../../app/ui/effects_panel.py" line="208"/>
        <source>Not run yet.</source>
        <translation>まだ実行していません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="222"/>
        <source>Dose–response of latent #{0}…</source>
        <translation>潜在特徴 #{0} の強度応答を計算中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="226"/>
        <source>Injecting latent #{0} at r = {1:g}…</source>
        <translation>潜在特徴 #{0} を r = {1:g} で注入中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="230"/>
        <source>Failed: {0}</source>
        <translation>失敗しました: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="257"/>
        <source>the whole image</source>
        <translation>画像全体</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="257"/>
        <source>the painted region ({0} patches)</source>
        <translation>塗った領域({0} パッチ)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="274"/>
        <source>defect score</source>
        <translation>欠陥スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="89"/>
        <source>Strengths from −range to +range</source>
        <translation>強度を −範囲 から +範囲 まで</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="93"/>
        <source>Points on the curve</source>
        <translation>曲線の点の数</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="95"/>
        <source>Set the latent to r × its reference activation in the region: what does that alone do to the verdict?</source>
        <translation>領域内でこの潜在特徴を基準活性の r 倍に設定します。それだけで判定はどうなるか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="103"/>
        <source>r: the value as a multiple of the latent&apos;s reference activation (p99)</source>
        <translation>r: 潜在特徴の基準活性(p99)に対する倍率</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="104"/>
        <source>chosen latent</source>
        <translation>選んだ潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="151"/>
        <source>How to read it: 1 is the image as it is, 0 the latent switched off, negative reverses it. Where the score line crosses the red threshold line the verdict flips.</source>
        <translation>読み方: 1 は画像そのまま、0 は潜在特徴をオフ、負の値は反転です。スコアの線が赤いしきい値の線と交わるところで判定が反転します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="217"/>
        <source>Ranking: {0} latents against {1} random latents and {1} random directions…</source>
        <translation>順位付け中: 潜在特徴 {0} 個を、無作為な潜在特徴 {1} 個と無作為な方向 {1} 個と比較しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="259"/>
        <source>Ranked {0} latents in {1} in {2:.0f} ms against controls: {3} random latents switched down by the same amount and {4} random directions of the same size (seed {5}). {6} beat the controls&apos; 95th percentile; {7} unspecific.</source>
        <translation>{1} の潜在特徴 {0} 個を {2:.0f} ms で順位付けしました。対照: 同じ量だけ下げた無作為な潜在特徴 {3} 個と、同じ大きさの無作為な方向 {4} 個(シード {5})。対照の 95 パーセンタイルを超えたもの {6} 個、非特異的なもの {7} 個。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="264"/>
        <source>No random latent could be drawn (no other latent is active here), so only random directions are compared.</source>
        <translation>無作為な潜在特徴を選べなかったため(ここでは他の潜在特徴が活性化していません)、無作為な方向とだけ比較しています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="280"/>
        <source>threshold {0:.3f}</source>
        <translation>しきい値 {0:.3f}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="283"/>
        <source>0 off</source>
        <translation>0 オフ</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="283"/>
        <source>1 unchanged</source>
        <translation>1 変更なし</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="291"/>
        <source>latent #{0} {1}</source>
        <translation>潜在特徴 #{0} {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="294"/>
        <source>Dose–response of latent #{0} ({1}): score {2:.3f} when off, {3:.3f} unchanged, from {4:.3f} to {5:.3f} over ±{6:g}.</source>
        <translation>潜在特徴 #{0}({1})の強度応答: オフでスコア {2:.3f}、変更なしで {3:.3f}、±{6:g} の範囲で {4:.3f} から {5:.3f}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="305"/>
        <source>raised it by {0}</source>
        <translation>スコアを {0} 上げました</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="305"/>
        <source>lowered it by {0}</source>
        <translation>スコアを {0} 下げました</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="306"/>
        <source>left it unchanged</source>
        <translation>スコアを変えませんでした</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="308"/>
        <source>&lt;b&gt;it creates a defect verdict&lt;/b&gt; (the score crosses the threshold {0:.3f})</source>
        <translation>&lt;b&gt;不良判定を生じます&lt;/b&gt;(スコアがしきい値 {0:.3f} を超えます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="310"/>
        <source>&lt;b&gt;it removes the defect verdict&lt;/b&gt; (the score falls below the threshold {0:.3f})</source>
        <translation>&lt;b&gt;不良判定を取り消します&lt;/b&gt;(スコアがしきい値 {0:.3f} を下回ります)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="312"/>
        <source>the part was already above the threshold {0:.3f}; the injection {1}</source>
        <translation>この部品はもともとしきい値 {0:.3f} を超えていました。注入は{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="314"/>
        <source>the score stays below the threshold {0:.3f}; the injection {1}</source>
        <translation>スコアはしきい値 {0:.3f} を下回ったままです。注入は{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="315"/>
        <source>no verdict: the score is not a number</source>
        <translation>判定なし: スコアが数値ではありません</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="323"/>
        <source>Latent #{0} ({1}) set to {2:g} × reference ({3:.3g}) in the region: score {4:.3f} → &lt;b&gt;{5:.3f}&lt;/b&gt; (Δ {6}); {7}.&lt;br&gt;Percentile vs {8} random latents injected the same way: {9} (|Δ|), {10} (signed); controls&apos; Δ p05–p95 {11} … {12}.&lt;br&gt;{13}.</source>
        <translation>潜在特徴 #{0}({1})を領域内で基準({3:.3g})の {2:g} 倍に設定: スコア {4:.3f} → &lt;b&gt;{5:.3f}&lt;/b&gt;(Δ {6})。{7}。&lt;br&gt;同じように注入した無作為な潜在特徴 {8} 個に対するパーセンタイル: {9}(|Δ|)、{10}(符号付き)。対照の Δ p05–p95 {11} … {12}。&lt;br&gt;{13}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="320"/>
        <source>unspecific: it changes the map outside the region too</source>
        <translation>非局所的: 領域外のマップも変化させます</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="321"/>
        <source>specific to the region</source>
        <translation>領域に局所的です</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_panel.py" line="331"/>
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
        <location filename="../../app/ui/latent_card.py" line="99"/>
        <source>no exemplars in the dictionary</source>
        <translation>辞書に代表例がありません</translation>
    </message>
</context>
<context>
    <name>ExemplarViewer</name>
    <message>
        <location filename="../../app/ui/latent_card.py" line="63"/>
        <source>top {0}</source>
        <translation>上位 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="63"/>
        <source>random positive</source>
        <translation>無作為な正の例</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <location filename="../../app/ui/export_controller.py" line="43"/>
        <source>Open a part image before exporting findings.</source>
        <translation>所見をエクスポートする前に部品画像を開いてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="46"/>
        <source>An export is already running; wait for it or cancel it.</source>
        <translation>エクスポートを実行中です。終わるまで待つか、キャンセルしてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="66"/>
        <source>Replace the file?</source>
        <translation>ファイルを置き換えますか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="67"/>
        <source>{0} already exists.</source>
        <translation>{0} はすでに存在します。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="68"/>
        <source>Replace it</source>
        <translation>置き換える</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="69"/>
        <source>Choose another name…</source>
        <translation>別の名前を選ぶ…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="78"/>
        <source>Export findings as PDF</source>
        <translation>所見を PDF にエクスポート</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="79"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="123"/>
        <source>Export cancelled; {0} was kept.</source>
        <translation>エクスポートを取り消しました。{0} はそのまま残しています。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="157"/>
        <source>Findings written to {0} ({1} pages).</source>
        <translation>所見を {0} に書き出しました({1} ページ)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="158"/>
        <source>Open PDF</source>
        <translation>PDF を開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="160"/>
        <source>Findings exported to {0}</source>
        <translation>所見を {0} にエクスポートしました</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="162"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>エクスポートを取り消しました。何も書き込まれていません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_controller.py" line="164"/>
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
        <location filename="../../app/ui/export_dialog.py" line="178"/>
        <source>Exporting findings</source>
        <translation>所見をエクスポート中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="179"/>
        <source>Preparing the report…</source>
        <translation>レポートを準備しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="180"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="187"/>
        <source>Cancelling…</source>
        <translation>キャンセルしています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="194"/>
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
        <source>measuring the evidence maps</source>
        <translation>根拠マップを測定中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="157"/>
        <source>collecting exemplars</source>
        <translation>代表例を収集中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="158"/>
        <source>drawing figures</source>
        <translation>図を描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="159"/>
        <source>drawing the defect maps</source>
        <translation>欠陥マップを描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="160"/>
        <source>drawing the causal analyses</source>
        <translation>因果分析の図を描画中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="161"/>
        <source>laying out the pages</source>
        <translation>ページをレイアウト中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="162"/>
        <source>writing the file</source>
        <translation>ファイルを書き込み中</translation>
    </message>
    <message>
        <location filename="../../app/ui/export_dialog.py" line="163"/>
        <source>done</source>
        <translation>完了</translation>
    </message>
</context>
<context>
    <name>FolderView</name>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="43"/>
        <source>Compare on the open folder</source>
        <translation>開いているフォルダーで比較</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="50"/>
        <source>reasons (rank latents in each ground-truth region)</source>
        <translation>理由(各正解領域で潜在特徴を順位付け)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="53"/>
        <source>controls</source>
        <translation>対照</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="60"/>
        <location filename="../../app/ui/compare_folder_view.py" line="143"/>
        <source>No folder comparison yet.</source>
        <translation>フォルダーの比較はまだありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="68"/>
        <source>parts</source>
        <translation>部品数</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="68"/>
        <source>same verdict [95% CI]</source>
        <translation>同じ判定 [95% 信頼区間]</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="68"/>
        <source>both reject</source>
        <translation>両方が不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="69"/>
        <source>both accept</source>
        <translation>両方が良品</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="69"/>
        <source>only A rejects</source>
        <translation>A だけが不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="69"/>
        <source>only B rejects</source>
        <translation>B だけが不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="70"/>
        <source>A correct</source>
        <translation>A が正解</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="70"/>
        <source>B correct</source>
        <translation>B が正解</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="78"/>
        <source>Which latents carry each model&apos;s verdict on each defect type appear here (parts with ground-truth masks).</source>
        <translation>欠陥の種類ごとに、各モデルの判定を担う潜在特徴をここに表示します(正解マスクのある部品)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="85"/>
        <source>Parts that changed verdict</source>
        <translation>判定が変わった部品</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="88"/>
        <source>Click a part to open it in the inspector</source>
        <translation>部品をクリックするとインスペクターで開きます</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="103"/>
        <source>Run the session&apos;s folder comparison ({0} parts)</source>
        <translation>セッションのフォルダー比較を実行({0} 点)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="114"/>
        <source>{0} parts; each verdict at its own bundle&apos;s threshold; 95% bootstrap intervals ({1} resamples, seed {2}). Counterparts over the folder&apos;s patches: {3} of A&apos;s firing latents and {4} of B&apos;s have one.</source>
        <translation>{0} 点。判定はそれぞれのバンドルのしきい値で、95% ブートストラップ区間({1} 回の再標本化、シード {2})。フォルダーのパッチでの対応: A の発火する潜在特徴のうち {3} 個、B のうち {4} 個に対応があります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="118"/>
        <source>{0} parts could not be read or ranked.</source>
        <translation>{0} 点の部品を読み込めないか、順位付けできませんでした。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="124"/>
        <source>{0} (parts with ground truth: {1}): {2} of A&apos;s leading latents have a counterpart among B&apos;s, {3} of B&apos;s among A&apos;s.</source>
        <translation>{0}(正解のある部品: {1}): A の主要な潜在特徴のうち {2} 個に B の対応があり、B のうち {3} 個に A の対応があります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="129"/>
        <source>Parts that changed verdict: {0} (click one to open it)</source>
        <translation>判定が変わった部品: {0}(クリックで開きます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="132"/>
        <source>DEFECT</source>
        <translation>不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="132"/>
        <source>OK</source>
        <translation>良品</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_folder_view.py" line="133"/>
        <source>{0} ({1}): A {2:.3f} {3} → B {4:.3f} {5}</source>
        <translation>{0}({1}): A {2:.3f} {3} → B {4:.3f} {5}</translation>
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
    <name>HeatmapRenderer</name>
    <message>
        <location filename="../../app/ui/heatmap_renderer.py" line="75"/>
        <source>measuring the evidence map…</source>
        <translation>根拠マップを測定中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/heatmap_renderer.py" line="83"/>
        <source>The evidence map could not be measured: {0}</source>
        <translation>根拠マップを測定できませんでした: {0}</translation>
    </message>
</context>
<context>
    <name>ImageDocuments</name>
    <message>
        <location filename="../../app/ui/image_documents.py" line="90"/>
        <source>Open a part image</source>
        <translation>部品画像を開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="90"/>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</source>
        <translation>画像 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="96"/>
        <source>Open a folder of part images</source>
        <translation>部品画像のフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="104"/>
        <source>{0} holds no part images.</source>
        <translation>{0} には部品画像がありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="111"/>
        <source>Open a part image or a folder first (Ctrl+O, Ctrl+Shift+O).</source>
        <translation>先に部品画像かフォルダーを開いてください(Ctrl+O、Ctrl+Shift+O)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="122"/>
        <source>This is the last image of the folder.</source>
        <translation>これはフォルダーの最後の画像です。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="122"/>
        <source>This is the first image of the folder.</source>
        <translation>これはフォルダーの最初の画像です。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="129"/>
        <source>No model bundle is loaded: choose one in the bundle box first.</source>
        <translation>モデルバンドルが読み込まれていません。先にバンドル欄で選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="131"/>
        <source>Analysing {0}…</source>
        <translation>{0} を解析しています…</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="145"/>
        <source>Opened a sample of this bundle: {0}</source>
        <translation>このバンドルのサンプルを開きました: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="196"/>
        <source>SAE Inspector — {0}</source>
        <translation>SAE Inspector — {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="197"/>
        <source>Analysed {0} in {1:.0f} ms</source>
        <translation>{0} を {1:.0f} ms で解析しました</translation>
    </message>
    <message>
        <location filename="../../app/ui/image_documents.py" line="199"/>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
</context>
<context>
    <name>LatentCard</name>
    <message>
        <location filename="../../app/ui/latent_card.py" line="171"/>
        <source>Your label for this latent (saved for this bundle; the automatic one is: {0})</source>
        <translation>この潜在特徴に付けるあなたのラベル(このバンドル用に保存されます。自動ラベル: {0})</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="139"/>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="140"/>
        <source>Switch the latent off inside the region</source>
        <translation>領域内でこの潜在特徴をオフにします</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="155"/>
        <source>Remove from the list (resets its edit)</source>
        <translation>一覧から外します(編集は元に戻ります)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="200"/>
        <source>fires hardest on: {0} (of its {1} strongest test parts)</source>
        <translation>最も強く発火する部位: {0}（最も強いテスト部品 {1} 点のうち）</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="142"/>
        <source>show map</source>
        <translation>マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="144"/>
        <source>Show where this latent fires on the image (the latent map layer)</source>
        <translation>この潜在特徴が画像のどこで発火するかを表示します(潜在特徴マップのレイヤー)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="167"/>
        <source>Give this latent your own label (saved for this bundle)</source>
        <translation>この潜在特徴に独自のラベルを付けます(このバンドル用に保存)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="170"/>
        <source>your label (empty: the automatic one)</source>
        <translation>あなたのラベル(空欄: 自動ラベル)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="207"/>
        <source>Top activations in the training set, then random ones; click for a larger view</source>
        <translation>学習データで活性の高いもの、続いて無作為なもの。クリックで拡大表示</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="218"/>
        <source>Mean |Δ score| when this latent alone is switched off inside the defects of held-out parts of each type, measured at build time: {0}</source>
        <translation>保留した各種類の部品の欠陥内でこの潜在特徴だけをオフにしたときの平均 |Δ スコア|(ビルド時に測定): {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="225"/>
        <source>Strength inside the region: 1 unchanged, 0 off, negative inverts, above 1 amplifies</source>
        <translation>領域内の強度: 1 で変更なし、0 でオフ、負の値で反転、1 より大きいと増幅</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="230"/>
        <source>strength</source>
        <translation>強度</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="234"/>
        <source>inject</source>
        <translation>注入</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="235"/>
        <source>Set the latent to a fixed value in the region, also where it was silent</source>
        <translation>領域内でこの潜在特徴を一定の値に設定します(発火していなかった場所にも)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="241"/>
        <source> × ref</source>
        <translation> × 基準</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="242"/>
        <source>Value in units of the latent&apos;s reference activation (p99)</source>
        <translation>潜在特徴の基準活性 (p99) を単位とした値</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="260"/>
        <source>specific to {0}: Δ {1:.3g} on its parts vs {2:.3g} on other types ({3:.1f}×)</source>
        <translation>{0} に特異的: その部品で Δ {1:.3g}、他の種類で {2:.3g}({3:.1f} 倍)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="263"/>
        <source>not specific to {0}: Δ {1:.3g} on its parts vs {2:.3g} on other types ({3:.1f}×)</source>
        <translation>{0} に特異的ではありません: その部品で Δ {1:.3g}、他の種類で {2:.3g}({3:.1f} 倍)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="265"/>
        <source>not specific to {0}: no measured effect on its parts</source>
        <translation>{0} に特異的ではありません: その部品での効果は測定されていません</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="270"/>
        <source>your label; the automatic one is: {0}</source>
        <translation>あなたのラベル。自動ラベル: {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="271"/>
        <source>the automatic label, from the training set&apos;s defect masks</source>
        <translation>学習データの欠陥マスクから付けた自動ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="282"/>
        <source>Latent #{0}: {1}</source>
        <translation>潜在特徴 #{0}: {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="299"/>
        <source>not active in this region</source>
        <translation>この領域では発火していません</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="304"/>
        <source>in {0:.2f} · out {1:.2f} · fires on {2:.0%} of patches</source>
        <translation>領域内 {0:.2f} · 領域外 {1:.2f} · パッチの {2:.0%} で発火</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_card.py" line="311"/>
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
        <source>Find a latent: id or label…</source>
        <translation>潜在特徴を検索: ID またはラベル…</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="69"/>
        <source>Type an id or words of a label (e.g. scratch); best match first, Enter adds it</source>
        <translation>ID かラベルの語(例: scratch)を入力します。一致度の高い順に表示し、Enter で追加します</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="73"/>
        <source>hide dense (&gt;10%)</source>
        <translation>高頻度を隠す(&gt;10%)</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="74"/>
        <source>Hide latents that fire on more than 10% of patches (background features)</source>
        <translation>パッチの 10% を超えて発火する潜在特徴(背景の特徴)を隠します</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="96"/>
        <source>Open an image to list its latents.</source>
        <translation>画像を開くと潜在特徴が一覧表示されます。</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="122"/>
        <source>Latents in the whole image</source>
        <translation>画像全体の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="122"/>
        <source>Latents in the painted region</source>
        <translation>塗った領域の潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/latent_panel.py" line="161"/>
        <source>No latent is more active in this region than in the rest of the image.</source>
        <translation>この領域で画像の他の部分より強く活性化する潜在変数はありません。</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="85"/>
        <source>latent map</source>
        <translation>潜在特徴マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="85"/>
        <source>Where one latent fires on this image (from the codes already held)</source>
        <translation>1 つの潜在特徴がこの画像のどこで発火するか(保持済みのコードから)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="86"/>
        <location filename="../../app/ui/layer_panel.py" line="167"/>
        <location filename="../../app/ui/layer_panel.py" line="185"/>
        <source>defect map</source>
        <translation>欠陥マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="86"/>
        <source>The model&apos;s defect map, before or after the edits, or their difference</source>
        <translation>モデルの欠陥マップ(編集前・編集後、またはその差分)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="87"/>
        <source>painted region</source>
        <translation>塗った領域</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="87"/>
        <source>The region the edits apply to</source>
        <translation>編集を適用する領域</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="88"/>
        <source>ground truth</source>
        <translation>正解領域</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="88"/>
        <source>The ground-truth outline, when the image has one</source>
        <translation>正解領域の輪郭(画像にある場合)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="89"/>
        <source>part image</source>
        <translation>部品画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="89"/>
        <source>The part image itself</source>
        <translation>部品画像そのもの</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="103"/>
        <source>What the defect map layer shows (Ctrl+2..4)</source>
        <translation>欠陥マップのレイヤーに表示するもの (Ctrl+2..4)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="105"/>
        <source>show</source>
        <translation>表示</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="109"/>
        <source>Colour map (differences and evidence always use blue–white–red)</source>
        <translation>カラーマップ(差分と根拠マップは常に青–白–赤)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="111"/>
        <source>colours</source>
        <translation>色</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="113"/>
        <source>fixed 0–1 (differences −1..1)</source>
        <translation>固定 0–1(差分は −1..1)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="114"/>
        <source>per-image stretch</source>
        <translation>画像ごとのストレッチ</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="115"/>
        <source>custom limits</source>
        <translation>カスタム範囲</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="116"/>
        <source>Fixed: a good part never looks hot. Stretch: this image&apos;s own range. Custom: the limits below. The colour bar names the scale in use.</source>
        <translation>固定: 良品が熱く見えることはありません。ストレッチ: この画像自体の範囲。カスタム: 下の範囲。使用中の尺度はカラーバーに表示されます。</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="119"/>
        <source>scale</source>
        <translation>尺度</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="131"/>
        <source>Lower contrast limit</source>
        <translation>コントラストの下限</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="132"/>
        <source>Upper contrast limit</source>
        <translation>コントラストの上限</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="137"/>
        <source>limits</source>
        <translation>範囲</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="138"/>
        <source>threshold contour</source>
        <translation>しきい値の輪郭</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="139"/>
        <source>Outline where the map reaches the verdict threshold</source>
        <translation>マップが判定しきい値に達する箇所を輪郭で示します</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="147"/>
        <source>Latent whose activation map is shown (a card&apos;s map button chooses it)</source>
        <translation>活性マップを表示する潜在特徴(カードの「マップ」ボタンでも選べます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="149"/>
        <source>latent</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="152"/>
        <source>filled</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="153"/>
        <source>Fill the region instead of drawing its outline (M)</source>
        <translation>領域を輪郭ではなく塗りつぶしで表示します (M)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="167"/>
        <location filename="../../app/ui/layer_panel.py" line="171"/>
        <source>evidence map (measured)</source>
        <translation>根拠マップ(実測)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="168"/>
        <source>{0} · before</source>
        <translation>{0} · 編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="168"/>
        <source>{0} · after</source>
        <translation>{0} · 編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="169"/>
        <source>difference (after − before)</source>
        <translation>差分(編集後 − 編集前)</translation>
    </message>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="185"/>
        <source>evidence map</source>
        <translation>根拠マップ</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="101"/>
        <source>SAE Inspector</source>
        <translation>SAE Inspector</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="184"/>
        <source>No image open. Open a part image (Ctrl+O), drop one here, or pick a sample.</source>
        <translation>画像が開かれていません。部品画像を開く(Ctrl+O)か、ここにドロップするか、サンプルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="194"/>
        <source>Part</source>
        <translation>部品</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="211"/>
        <source>Model bundles in model_store/; Browse… opens any bundle folder</source>
        <translation>model_store/ 内のモデルバンドル。「参照…」で任意のバンドルフォルダーを開けます</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="215"/>
        <source>Notes on this part (saved with the session)</source>
        <translation>この部品についてのメモ(セッションと一緒に保存されます)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="221"/>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="227"/>
        <source>Latents</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="200"/>
        <source>Effects</source>
        <translation>効果</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="232"/>
        <source>Layers</source>
        <translation>レイヤー</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="239"/>
        <source>no backend</source>
        <translation>バックエンドなし</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="241"/>
        <source>Inference backend · device · provider in use, and the last update&apos;s latency</source>
        <translation>使用中の推論バックエンド・デバイス・プロバイダーと、直近の更新にかかった時間</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="246"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="270"/>
        <source>computing…</source>
        <translation>計算中…</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <location filename="../../app/ui/menus.py" line="40"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="41"/>
        <source>Open image…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="42"/>
        <source>Open folder…</source>
        <translation>フォルダーを開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="43"/>
        <source>Open sample</source>
        <translation>サンプルを開く</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="44"/>
        <source>Recent images</source>
        <translation>最近使った画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="45"/>
        <source>Next image</source>
        <translation>次の画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="46"/>
        <source>Previous image</source>
        <translation>前の画像</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="48"/>
        <source>Open bundle…</source>
        <translation>バンドルを開く…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="50"/>
        <source>Save session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="51"/>
        <source>Save session as…</source>
        <translation>名前を付けてセッションを保存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="52"/>
        <source>Load session…</source>
        <translation>セッションを読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="54"/>
        <source>Export findings…</source>
        <translation>所見をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="55"/>
        <source>Write a PDF report of this part, the region, the edits and the results</source>
        <translation>この部品、領域、編集内容と結果を PDF レポートに出力します</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="57"/>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="59"/>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="60"/>
        <source>Undo mask edit</source>
        <translation>マスクの編集を元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="61"/>
        <source>Redo mask edit</source>
        <translation>マスクの編集をやり直す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="63"/>
        <source>Clear mask</source>
        <translation>マスクを消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="64"/>
        <source>Invert mask</source>
        <translation>マスクを反転</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="65"/>
        <source>Load mask PNG…</source>
        <translation>マスク PNG を読み込む…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="66"/>
        <source>Use ground truth as mask</source>
        <translation>正解領域をマスクにする</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="67"/>
        <source>Mask from defect map…</source>
        <translation>欠陥マップからマスクを作成…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="69"/>
        <source>Smaller brush</source>
        <translation>ブラシを小さく</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="70"/>
        <source>Larger brush</source>
        <translation>ブラシを大きく</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="72"/>
        <source>Reset all latents</source>
        <translation>すべての潜在特徴を元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="74"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="75"/>
        <source>Fit to window</source>
        <translation>ウィンドウに合わせる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="81"/>
        <source>Latent map of the chosen latent</source>
        <translation>選んだ潜在特徴のマップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="82"/>
        <source>Evidence map (measured)</source>
        <translation>根拠マップ(実測)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="83"/>
        <source>Toggle region filled/outline</source>
        <translation>領域の塗りつぶし/輪郭を切り替え</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="107"/>
        <source>Compare with another bundle…</source>
        <translation>別のバンドルと比較…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="108"/>
        <source>A second bundle beside this one: the same part, region and edits, both verdicts and maps</source>
        <translation>2 つ目のバンドルを並べて表示: 同じ部品・領域・編集で、両方の判定とマップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="229"/>
        <source>Unlike-the-training-parts check</source>
        <translation>学習部品との相違の確認</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="235"/>
        <source>no bundle open</source>
        <translation>バンドルが開かれていません</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="244"/>
        <source>not calibrated: this bundle carries no calibration, so no notice is ever shown</source>
        <translation>未較正: このバンドルには較正がないため、通知は表示されません</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="245"/>
        <source>calibrated on {0} held-out good parts: an image is flagged when the SAE&apos;s reconstruction error exceeds {1:.4g} (their p{2:g})</source>
        <translation>保留した良品 {0} 点で較正済み: SAE の再構成誤差が {1:.4g}(その p{2:g})を超える画像に通知します</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="77"/>
        <source>Defect map before</source>
        <translation>欠陥マップ(編集前)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="77"/>
        <source>Hide the defect map</source>
        <translation>欠陥マップを隠す</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="78"/>
        <source>Defect map after</source>
        <translation>欠陥マップ(編集後)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="78"/>
        <source>Difference</source>
        <translation>差分</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="84"/>
        <source>Show ground truth outline</source>
        <translation>正解領域の輪郭を表示</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="87"/>
        <source>Per-image stretch</source>
        <translation>画像ごとに伸張</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="89"/>
        <source>Part image tab</source>
        <translation>部品画像タブ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="90"/>
        <source>Effects tab</source>
        <translation>効果タブ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="91"/>
        <source>Verdict panel</source>
        <translation>判定パネル</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="91"/>
        <source>Latent panel</source>
        <translation>潜在特徴パネル</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="92"/>
        <source>Layer list</source>
        <translation>レイヤー一覧</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="97"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="98"/>
        <source>Dictionary browser…</source>
        <translation>辞書ブラウザー…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="99"/>
        <source>Reconstruction only (SAE faithfulness view)</source>
        <translation>再構成のみ(SAE の忠実度を確認)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="102"/>
        <source>Clear score history</source>
        <translation>スコア履歴を消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="104"/>
        <source>Rank latents in region</source>
        <translation>領域内の潜在特徴を効果順に並べる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="105"/>
        <source>Dose–response of the chosen latent</source>
        <translation>選んだ潜在特徴の強度応答</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="106"/>
        <source>Injection test of the chosen latent</source>
        <translation>選んだ潜在特徴の注入テスト</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="110"/>
        <source>&amp;Settings</source>
        <translation>設定(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="111"/>
        <source>Language (after restart)</source>
        <translation>言語(再起動後に反映)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="114"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="123"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="124"/>
        <location filename="../../app/ui/menus.py" line="200"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="125"/>
        <source>About / Diagnostics…</source>
        <translation>バージョン情報 / 診断…</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="135"/>
        <source>This bundle carries no good reference, so it has no evidence map.</source>
        <translation>このバンドルには良品参照がないため、根拠マップはありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="138"/>
        <source>Open a part image first: there is no map to show.</source>
        <translation>先に部品画像を開いてください。表示するマップがありません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="147"/>
        <source>No latent is listed yet: open an image (and paint a region), then choose a latent&apos;s card or press its &quot;show map&quot; button.</source>
        <translation>まだ潜在特徴が一覧にありません。画像を開き(領域を塗り)、潜在特徴のカードを選ぶか「マップ」ボタンを押してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="155"/>
        <source>Open a part image first: the experiments run on the image shown.</source>
        <translation>先に部品画像を開いてください。実験は表示中の画像で行います。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="165"/>
        <source>(no samples installed)</source>
        <translation>(サンプルがインストールされていません)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="173"/>
        <source>(none yet)</source>
        <translation>(まだありません)</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="181"/>
        <source>The language changes when SAE Inspector is started again.</source>
        <translation>言語は SAE Inspector を再起動すると切り替わります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="190"/>
        <source>Zoom</source>
        <translation>ズーム</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="190"/>
        <source>mouse wheel</source>
        <translation>マウスホイール</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="191"/>
        <source>Pan</source>
        <translation>移動</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="191"/>
        <source>middle button drag, or Space + drag</source>
        <translation>中ボタンでドラッグ、または Space + ドラッグ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="192"/>
        <source>Brush size</source>
        <translation>ブラシの大きさ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="192"/>
        <source>[ and ], or Alt + drag</source>
        <translation>[ と ]、または Alt + ドラッグ</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="193"/>
        <source>Close polygon</source>
        <translation>多角形を閉じる</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="193"/>
        <source>double-click or Enter; Esc cancels</source>
        <translation>ダブルクリックまたは Enter。Esc で取り消し</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="194"/>
        <source>Erase with rectangle / fill</source>
        <translation>矩形 / 塗りつぶしで消去</translation>
    </message>
    <message>
        <location filename="../../app/ui/menus.py" line="194"/>
        <source>Shift + drag / Shift + click</source>
        <translation>Shift + ドラッグ / Shift + クリック</translation>
    </message>
</context>
<context>
    <name>PaintTools</name>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="17"/>
        <location filename="../../app/ui/paint_tools.py" line="23"/>
        <source>Paint</source>
        <translation>塗る</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="23"/>
        <source>Paint the region (1)</source>
        <translation>領域を塗ります (1)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="24"/>
        <source>Erase</source>
        <translation>消す</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="24"/>
        <source>Erase from the region (2)</source>
        <translation>領域から消します (2)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="25"/>
        <source>Fill</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="25"/>
        <source>Flood-fill an enclosed area (3; Shift+click empties it)</source>
        <translation>囲まれた部分を塗りつぶします(3。Shift+クリックで空にします)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="26"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="26"/>
        <source>Drag a rectangle (4; Shift erases)</source>
        <translation>ドラッグで矩形を描きます(4。Shift で消去)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="27"/>
        <source>Polygon</source>
        <translation>多角形</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="27"/>
        <source>Click corners, double-click or Enter closes (5)</source>
        <translation>角をクリックし、ダブルクリックまたは Enter で閉じます (5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="28"/>
        <source>Pan</source>
        <translation>移動</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="28"/>
        <source>Pan and zoom only (6); Space+drag pans in any tool</source>
        <translation>移動とズームのみ(6)。どのツールでも Space+ドラッグで移動できます</translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="41"/>
        <source> brush </source>
        <translation> ブラシ </translation>
    </message>
    <message>
        <location filename="../../app/ui/paint_tools.py" line="45"/>
        <source>Brush radius: [ and ] change it, Alt+drag sets it</source>
        <translation>ブラシの半径: [ と ] で変更、Alt+ドラッグで設定</translation>
    </message>
</context>
<context>
    <name>PairedView</name>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="95"/>
        <source>A: defect map</source>
        <translation>A: 欠陥マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="96"/>
        <source>B: defect map</source>
        <translation>B: 欠陥マップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="97"/>
        <location filename="../../app/ui/compare_maps.py" line="107"/>
        <source>B − A</source>
        <translation>B − A</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="102"/>
        <source>Maps without the edits</source>
        <translation>編集なしのマップ</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="103"/>
        <source>Both models&apos; defect maps of the unedited part, and their difference</source>
        <translation>編集前の部品に対する両方のモデルの欠陥マップとその差分</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="131"/>
        <source>bundle</source>
        <translation>バンドル</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="133"/>
        <source>threshold (its own)</source>
        <translation>しきい値(各バンドル)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="134"/>
        <source>score, unedited</source>
        <translation>スコア(編集なし)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="136"/>
        <source>score, edited</source>
        <translation>スコア(編集後)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="137"/>
        <source>verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="138"/>
        <source>agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="138"/>
        <source>DIFFER</source>
        <translation>不一致</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="141"/>
        <source>p({0})</source>
        <translation>p({0})</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="154"/>
        <source>Exact agreement: both models gave bit-identical outputs.</source>
        <translation>完全一致: 両方のモデルがビット単位で同じ出力を返しました。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="155"/>
        <source>Both models gave bit-identical outputs; the verdicts differ only because the thresholds do.</source>
        <translation>両方のモデルはビット単位で同じ出力を返しました。判定が異なるのはしきい値が異なるためだけです。</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="164"/>
        <source>unedited</source>
        <translation>編集なし</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="164"/>
        <source>edited</source>
        <translation>編集あり</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="168"/>
        <source>{0} · {1}, {2}: {3:.3f} {4}</source>
        <translation>{0} · {1}、{2}: {3:.3f} {4}</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="171"/>
        <source>B − A, {0} (−1..1)</source>
        <translation>B − A、{0} (−1..1)</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="172"/>
        <source>no maps: a model has no patch head</source>
        <translation>マップなし: パッチヘッドのないモデルがあります</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="175"/>
        <source>DEFECT</source>
        <translation>不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/compare_maps.py" line="175"/>
        <source>OK</source>
        <translation>良品</translation>
    </message>
</context>
<context>
    <name>RankView</name>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="69"/>
        <location filename="../../app/ui/effects_rank.py" line="115"/>
        <source>Δ score</source>
        <translation>Δ スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="70"/>
        <source>latents, largest effect first</source>
        <translation>潜在特徴(効果の大きい順)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="80"/>
        <source>activation in region</source>
        <translation>領域内の活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="95"/>
        <source>Δ score when switched off</source>
        <translation>オフにしたときの Δ スコア</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="96"/>
        <source>unspecific (changes the map outside the region)</source>
        <translation>非特異的(領域外のマップも変える)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="97"/>
        <source>activation in region (right axis)</source>
        <translation>領域内の活性(右軸)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="98"/>
        <source>random latents p05–p95 (dashed: median)</source>
        <translation>無作為な潜在特徴 p05–p95(破線: 中央値)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="99"/>
        <source>random directions p05–p95 (dashed: median)</source>
        <translation>無作為な方向 p05–p95(破線: 中央値)</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="105"/>
        <source>How to read it: a bar below zero means switching the latent off lowers the defect score, so the latent pushed the part towards DEFECT. Only a bar outside both shaded bands is more than what switching off a random latent or adding a random direction does.</source>
        <translation>読み方: 0 より下の棒は、潜在特徴をオフにすると欠陥スコアが下がること、つまりその潜在特徴が部品を不良側に押していたことを示します。両方の網掛け帯の外にある棒だけが、無作為な潜在特徴をオフにしたり無作為な方向を加えたりした場合を超える効果です。</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="115"/>
        <source>latent</source>
        <translation>潜在特徴</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="115"/>
        <source>label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="115"/>
        <source>activation</source>
        <translation>活性</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="115"/>
        <source>pct vs controls</source>
        <translation>対照比パーセンタイル</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="116"/>
        <source>specific</source>
        <translation>特異的</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="217"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location filename="../../app/ui/effects_rank.py" line="217"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
</context>
<context>
    <name>RegionTools</name>
    <message>
        <location filename="../../app/ui/region_tools.py" line="40"/>
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
        <location filename="../../app/ui/region_tools.py" line="70"/>
        <source>Open a part image first: a region is painted on an image.</source>
        <translation>先に部品画像を開いてください。領域は画像の上に塗ります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="78"/>
        <source>Load a mask PNG</source>
        <translation>マスク PNG を読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="97"/>
        <source>This image has no ground truth (no &lt;name&gt;_mask.png beside it).</source>
        <translation>この画像には正解領域がありません(隣に &lt;name&gt;_mask.png がありません)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="117"/>
        <source>The evidence map is still being measured; try again in a moment.</source>
        <translation>根拠マップを測定中です。少し待ってからもう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="121"/>
        <source>Mask from defect map</source>
        <translation>欠陥マップからマスクを作成</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="122"/>
        <source>Region where the map (before the edits) reaches
(its highest value on this image is {0:.3f}):</source>
        <translation>(編集前の)マップが次の値に達する領域
(この画像での最大値は {0:.3f}):</translation>
    </message>
    <message>
        <location filename="../../app/ui/region_tools.py" line="137"/>
        <source>No part of the map reaches {0:.3f} (its highest value here is {1:.3f}); the region was left as it was. Choose a lower level.</source>
        <translation>マップが {0:.3f} に達する箇所はありません(この画像での最大値は {1:.3f})。領域は変更していません。もっと低い値を選んでください。</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <location filename="../../app/ui/results.py" line="84"/>
        <source>{0} · {1:.0f} ms</source>
        <translation>{0} · {1:.0f} ms</translation>
    </message>
    <message>
        <location filename="../../app/ui/results.py" line="92"/>
        <source>Unlike the training parts: the model&apos;s SAE reconstructs this image {0:.1f}× worse than the bundle allows (its p{1:g} on {2} held-out good parts). The verdict may mean nothing for this image: check that it shows the right kind of part, lit and framed as in training.</source>
        <translation>学習した部品と異なります: このモデルの SAE はこの画像を、バンドルの許容値(保留した良品 {2} 点の p{1:g})の {0:.1f} 倍悪く再構成します。この画像に対する判定は意味を持たない可能性があります。正しい種類の部品が、学習時と同じ照明と構図で写っているか確認してください。</translation>
    </message>
</context>
<context>
    <name>SessionFiles</name>
    <message>
        <location filename="../../app/ui/session_files.py" line="76"/>
        <source>Nothing to save yet: open a part image first.</source>
        <translation>まだ保存するものがありません。先に部品画像を開いてください。</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="79"/>
        <source>Save session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="79"/>
        <location filename="../../app/ui/session_files.py" line="99"/>
        <source>Session (*.json)</source>
        <translation>セッション (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="94"/>
        <source>Session saved to {0}</source>
        <translation>セッションを {0} に保存しました</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="99"/>
        <source>Load session</source>
        <translation>セッションを読み込む</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="114"/>
        <source>This session was recorded with bundle &apos;{0}&apos; {1}; the current bundle is &apos;{2}&apos;. Latent ids may mean something else.</source>
        <translation>このセッションはバンドル「{0}」{1} で記録されましたが、現在のバンドルは「{2}」です。潜在特徴の ID が別の意味を持つ可能性があります。</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="133"/>
        <source>The image file changed since the session was saved (SHA-256 differs).</source>
        <translation>セッションの保存後に画像ファイルが変更されています(SHA-256 が異なります)。</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_files.py" line="147"/>
        <source>Session restored from {0}</source>
        <translation>{0} からセッションを復元しました</translation>
    </message>
</context>
<context>
    <name>UnsavedWork</name>
    <message>
        <location filename="../../app/ui/unsaved.py" line="37"/>
        <source>Unsaved work</source>
        <translation>未保存の作業</translation>
    </message>
    <message>
        <location filename="../../app/ui/unsaved.py" line="38"/>
        <source> and {0} more</source>
        <translation> ほか {0} 件</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/unsaved.py" line="39"/>
        <source>%n image(s) hold a region, latent edits or notes that are not saved: {0}.</source>
        <translation>
            <numerusform>保存されていない領域・潜在特徴の編集・メモがある画像が %n 枚あります: {0}。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/unsaved.py" line="41"/>
        <source>Save them as sessions before quitting?</source>
        <translation>終了する前にセッションとして保存しますか?</translation>
    </message>
    <message>
        <location filename="../../app/ui/unsaved.py" line="50"/>
        <source>Folder for the sessions of the unsaved images</source>
        <translation>未保存の画像のセッションを保存するフォルダー</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="49"/>
        <source>before</source>
        <translation>編集前</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="52"/>
        <source>after</source>
        <translation>編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="57"/>
        <source>Change of the defect score caused by the edits</source>
        <translation>編集による欠陥スコアの変化</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="63"/>
        <source>threshold</source>
        <translation>しきい値</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="68"/>
        <source>Score at or above which a part is called defective. Raw scores never change.</source>
        <translation>このスコア以上で不良と判定します。スコアそのものは変わりません。</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="72"/>
        <source>bundle default</source>
        <translation>バンドルの既定値</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="73"/>
        <source>Back to the bundle&apos;s threshold</source>
        <translation>バンドルのしきい値に戻します</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="93"/>
        <source>Class probabilities: grey before the edits, orange after</source>
        <translation>クラス確率: 灰色が編集前、橙色が編集後</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="99"/>
        <source>classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="113"/>
        <source>score history</source>
        <translation>スコアの履歴</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="120"/>
        <source>notes</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="145"/>
        <source>DEFECT</source>
        <translation>不良</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="146"/>
        <source>OK</source>
        <translation>良品</translation>
    </message>
    <message>
        <location filename="../../app/ui/verdict_panel.py" line="177"/>
        <source>no edit</source>
        <translation>編集なし</translation>
    </message>
</context>
<context>
    <name>_LayerRow</name>
    <message>
        <location filename="../../app/ui/layer_panel.py" line="56"/>
        <source>Opacity of this layer</source>
        <translation>このレイヤーの不透明度</translation>
    </message>
</context>
</TS>
