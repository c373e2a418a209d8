import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { strings, type Language, type Strings } from './i18n';

export interface UiContext {
  lang: Language;
  s: Strings;
}

export const Ui = createContext<UiContext>({ lang: 'en', s: strings('en') });
export const useUi = () => useContext(Ui);
