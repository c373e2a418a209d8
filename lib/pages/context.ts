import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { loadedStrings, type Language, type Strings } from './i18n';

export interface UiContext {
  lang: Language;
  s: Strings;
}

export const Ui = createContext<UiContext>({ lang: 'en', s: loadedStrings('en')! });
export const useUi = () => useContext(Ui);
