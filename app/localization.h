// SPDX-License-Identifier: GPL-3.0-or-later
// The user interface language. "system" follows the locale (LANG, or --lang for one run); an
// explicit choice is remembered in the settings. Switching reloads the translators and
// retranslates every qsTr() binding in place.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QTranslator>
#include <QVariantList>

#include <memory>

namespace deepdesk::app {

class Settings;

class Localization : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Localization is created by the application")
    // "system", or a code from `languages`.
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    // The code in effect: "en" or "zh_CN".
    Q_PROPERTY(QString effectiveLanguage READ effectiveLanguage NOTIFY languageChanged)
    // [{code, name}] with each name in its own language ("English", "简体中文").
    Q_PROPERTY(QVariantList languages READ languages CONSTANT)

public:
    // `engine` may be null (no QML to retranslate); `settings` too (nothing remembered). A
    // non-empty `runLanguage` (from --lang) is used for this run instead of the remembered choice,
    // without being remembered itself.
    Localization(QQmlEngine* engine, Settings* settings, const QString& runLanguage = {}, QObject* parent = nullptr);
    ~Localization() override;

    static QStringList supportedLanguages();
    // The supported language for a locale name ("zh_TW" -> "zh_CN", "de_DE" -> "en").
    static QString resolve(const QString& localeName);

    QString language() const { return m_language; }
    void setLanguage(const QString& language);
    QString effectiveLanguage() const { return m_effective; }
    QVariantList languages() const;

Q_SIGNALS:
    void languageChanged();

private:
    void apply();

    QQmlEngine* m_engine;
    Settings* m_settings;
    QString m_language;
    QString m_effective;
    std::unique_ptr<QTranslator> m_appTranslator;
    std::unique_ptr<QTranslator> m_qtTranslator;
};

}  // namespace deepdesk::app
