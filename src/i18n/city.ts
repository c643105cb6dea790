import { t } from './t.ts';
import type { City } from '../domain/city/schema.ts';

/** The site's short name, e.g. in titles and the SMS signature: built from content/city.yaml. */
export const siteName = (city: City): string => t('site.name', { city: city.shortName });

/** The site's full name, in the header and on the home page. */
export const siteFullName = (city: City): string => t('site.fullName', { city: city.name });

/** A name as published; a fictional city's names are labelled as invented. */
const labelled = (city: City, name: string): string => (city.fictional ? t('site.fictionalName', { name }) : name);

/** The operator (主办) as published: the footer, the open-data publisher, the feed's author. */
export const operatorName = (city: City): string => labelled(city, city.operator);

/** The commission's public contact, one line for the footer. */
export const commissionContact = (city: City): string =>
  t('site.contact', {
    commission: labelled(city, city.commission.name),
    address: city.commission.address,
    phone: city.commission.phone,
  });
