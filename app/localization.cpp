// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/localization.h"

#include "app/settings.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>

#include <cstring>

namespace deepdesk::app {
namespace {

const QString k_system = QStringLiteral("system");

// Our C++ classes live in namespaces, so their tr() asks with a context such as
// "deepdesk::app::ChatController", while lupdate files the strings under "ChatController". The
// namespace is dropped before looking up.
class UnqualifiedTranslator : public QTranslator {
public:
    QString translate(const char* context, const char* sourceText, const char* disambiguation, int n) const override {
        QString out = QTranslator::translate(context, sourceText, disambiguation, n);
        if (out.isEmpty() && context != nullptr) {
            if (const char* last = std::strrchr(context, ':'); last != nullptr) {
                out = QTranslator::translate(last + 1, sourceText, disambiguation, n);
            }
        }
        return out;
    }
};

}  // namespace

Localization::Localization(QQmlEngine* engine, Settings* settings, const QString& runLanguage, QObject* parent)
    : QObject(parent),
      m_engine(engine),
      m_settings(settings),
      m_language(settings != nullptr ? settings->value(Settings::Key::Language).toString() : k_system) {
    if (supportedLanguages().contains(runLanguage)) {
        m_language = runLanguage;
    } else if (m_language != k_system && !supportedLanguages().contains(m_language)) {
        m_language = k_system;
    }
    apply();
}

Localization::~Localization() {
    if (m_appTranslator) {
        QCoreApplication::removeTranslator(m_appTranslator.get());
    }
    if (m_qtTranslator) {
        QCoreApplication::removeTranslator(m_qtTranslator.get());
    }
}

QStringList Localization::supportedLanguages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

QString Localization::resolve(const QString& localeName) {
    if (localeName.startsWith(QLatin1String("zh"))) {
        return QStringLiteral("zh_CN");
    }
    return QStringLiteral("en");
}

QVariantList Localization::languages() const {
    return {
        QVariantMap{{QStringLiteral("code"), QStringLiteral("en")},
                    {QStringLiteral("name"), QStringLiteral("English")}},
        QVariantMap{{QStringLiteral("code"), QStringLiteral("zh_CN")},
                    {QStringLiteral("name"), QStringLiteral("简体中文")}},
    };
}

void Localization::setLanguage(const QString& language) {
    const QString wanted = (language == k_system || supportedLanguages().contains(language)) ? language : k_system;
    if (wanted == m_language) {
        return;
    }
    m_language = wanted;
    if (m_settings != nullptr) {
        m_settings->set(Settings::Key::Language, m_language);
    }
    apply();
}

void Localization::apply() {
    const QString effective = m_language == k_system ? resolve(QLocale().name()) : m_language;
    m_effective = effective;

    if (m_appTranslator) {
        QCoreApplication::removeTranslator(m_appTranslator.get());
        m_appTranslator.reset();
    }
    if (m_qtTranslator) {
        QCoreApplication::removeTranslator(m_qtTranslator.get());
        m_qtTranslator.reset();
    }
    if (m_effective != QLatin1String("en")) {
        auto app = std::make_unique<UnqualifiedTranslator>();
        if (app->load(QStringLiteral(":/i18n/deepdesk_%1.qm").arg(m_effective))) {
            QCoreApplication::installTranslator(app.get());
            m_appTranslator = std::move(app);
        } else {
            qWarning("deepdesk: translation %s is missing from the build", qPrintable(m_effective));
        }
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(QLocale(m_effective), QStringLiteral("qt"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt.get());
            m_qtTranslator = std::move(qt);
        }
    }
    if (m_engine) {
        m_engine->setUiLanguage(m_effective);
        m_engine->retranslate();
    }
    Q_EMIT languageChanged();
}

}  // namespace deepdesk::app
